using MiniTorch.NN;

namespace MiniTorch.Distributed;

/// <summary>
/// Data-parallel training over the ranks of <see cref="Distributed"/> (PyTorch's
/// <c>torch.nn.parallel.DistributedDataParallel</c>): each rank runs the same model on its own part of the batch, and
/// backward averages the gradients over the ranks, so after <c>optimizer.Step()</c> every rank holds the same
/// parameters as one process training on the whole batch.
/// </summary>
/// <remarks>
/// <para>At construction, every rank's model is checked against rank 0's (parameter and buffer names, shapes, dtypes,
/// requires-grad flags; a mismatch is the same <see cref="DistributedException"/> on every rank), then rank 0's
/// parameters and buffers are broadcast so all ranks start equal: one broadcast per dtype, so integer and bool buffers
/// (BatchNorm's Int64 <c>num_batches_tracked</c>) come from rank 0 as well, as in PyTorch.</para>
/// <para>During backward, gradients are copied into buckets (about <c>bucketCapMb</c> MiB each, filled in reverse
/// registration order, which is roughly the order backward produces them); a full bucket starts its all-reduce at
/// once, so communication overlaps the rest of backward. Parameters with RequiresGrad false are left out.</para>
/// <para>State dict: this module registers the wrapped model as its child <c>module</c>, so <c>ddp.StateDict()</c>
/// has keys <c>module.fc.weight</c>, exactly as PyTorch's DDP; save <see cref="Module"/>'s state dict
/// (<c>ddp.Module.StateDict()</c>, PyTorch's <c>ddp.module.state_dict()</c>) for keys without the prefix that load
/// into the bare model.</para>
/// </remarks>
public sealed class DistributedDataParallel : Module, IDisposable
{
    /// <summary>PyTorch's default bucket size, <c>bucket_cap_mb=25</c>.</summary>
    public const double DefaultBucketCapMb = 25;

    private readonly Reducer _reducer;
    private readonly Tensor[] _buffers;
    private bool _requireBackwardGradSync = true;

    /// <summary>Wraps <paramref name="module"/>; every rank must call this with the same model, after <see cref="Distributed.Init"/>.</summary>
    /// <param name="module">The model to train.</param>
    /// <param name="bucketCapMb">The gradient bucket size in MiB (PyTorch's <c>bucket_cap_mb</c>).</param>
    /// <param name="findUnusedParameters">Allow parameters that get no gradient in a step (found by walking the
    /// output's graph at each forward, which costs time); without it such a parameter is an error that names it.</param>
    /// <param name="broadcastBuffers">Broadcast rank 0's buffers of every dtype (BatchNorm's running statistics and
    /// batch count) at every forward (PyTorch's <c>broadcast_buffers=True</c>).</param>
    /// <exception cref="DistributedException">Not initialised, or the ranks' models differ.</exception>
    /// <exception cref="NotSupportedException">A trainable parameter is not float32 or float64 (MPI cannot average
    /// float16 or bfloat16 gradients); the message names it.</exception>
    public DistributedDataParallel(Module module, double bucketCapMb = DefaultBucketCapMb, bool findUnusedParameters = false, bool broadcastBuffers = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!(bucketCapMb > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(bucketCapMb), bucketCapMb, "DistributedDataParallel: bucketCapMb must be positive.");
        }
        if (!Distributed.IsInitialized)
        {
            throw new DistributedException("DistributedDataParallel: Default process group has not been initialized, please make sure to call Distributed.Init() first.");
        }
        Module = RegisterModule("module", module);
        FindUnusedParameters = findUnusedParameters;
        BroadcastBuffers = broadcastBuffers;

        var named = module.NamedParameters();
        var buffers = module.NamedBuffers();
        var entries = new List<(string, Tensor, bool)>(named.Count + buffers.Count);
        var parameters = new List<Tensor>(named.Count);
        var trainable = new List<(string, Parameter)>(named.Count);
        foreach (var (name, p) in named)
        {
            entries.Add((name, p, true));
            parameters.Add(p);
            if (p.RequiresGrad)
            {
                trainable.Add((name, p));
            }
        }
        _buffers = new Tensor[buffers.Count];
        for (int i = 0; i < buffers.Count; i++)
        {
            entries.Add((buffers[i].Name, buffers[i].Buffer, false));
            _buffers[i] = buffers[i].Buffer;
        }
        ModelSignature.Verify(entries);
        using (Autograd.NoGrad())
        {
            Distributed.BroadcastCoalesced(parameters, 0, "DistributedDataParallel (parameter broadcast)");
            Distributed.BroadcastCoalesced(_buffers, 0, "DistributedDataParallel (buffer broadcast)");
        }
        _reducer = new Reducer(trainable, (long)(bucketCapMb * 1024 * 1024), findUnusedParameters);
    }

    /// <summary>The wrapped model (PyTorch's <c>ddp.module</c>): save its state dict for keys without the <c>module.</c> prefix.</summary>
    public Module Module { get; }

    /// <summary>Whether parameters without a gradient in a step are allowed (<c>find_unused_parameters</c>).</summary>
    public bool FindUnusedParameters { get; }

    /// <summary>Whether rank 0's buffers are broadcast at every forward (<c>broadcast_buffers</c>).</summary>
    public bool BroadcastBuffers { get; }

    /// <summary>The gradient buckets in launch order.</summary>
    public IReadOnlyList<GradBucketInfo> Buckets => _reducer.Buckets;

    /// <summary>
    /// Raised on the training thread when a bucket's all-reduce starts, during backward: the first bucket (the last
    /// layers' gradients) starts while backward is still computing earlier layers' gradients.
    /// </summary>
    public event Action<GradBucketInfo>? BucketReduceStarted
    {
        add => _reducer.BucketReduceStarted += value;
        remove => _reducer.BucketReduceStarted -= value;
    }

    /// <summary>
    /// Turns gradient synchronisation off until the scope is disposed (PyTorch's <c>with ddp.no_sync():</c>): the
    /// backward of a forward run inside it only accumulates gradients locally; the first synchronised backward after
    /// it averages the accumulated gradients. Use it for all but the last micro-batch of gradient accumulation.
    /// </summary>
    public IDisposable NoSync()
    {
        bool previous = _requireBackwardGradSync;
        _requireBackwardGradSync = false;
        return new SyncScope(this, previous);
    }

    /// <summary>Broadcasts rank 0's buffers if asked, runs the wrapped model, and prepares the gradient reduction.</summary>
    protected override Tensor Forward(Tensor input)
    {
        if (BroadcastBuffers && _buffers.Length > 0)
        {
            using (Autograd.NoGrad())
            {
                Distributed.BroadcastCoalesced(_buffers, 0, "DistributedDataParallel (buffer broadcast)");
            }
        }
        var output = Module.Call(input);
        if (Autograd.IsGradEnabled && _requireBackwardGradSync)
        {
            _reducer.PrepareForBackward(output);
        }
        else
        {
            _reducer.CancelStep();
        }
        return output;
    }

    /// <summary>Removes the gradient hooks from the wrapped model's parameters; the model trains alone afterwards.</summary>
    public void Dispose() => _reducer.Dispose();

    private sealed class SyncScope(DistributedDataParallel owner, bool previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                owner._requireBackwardGradSync = previous;
            }
        }
    }
}
