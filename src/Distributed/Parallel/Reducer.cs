using MiniTorch.NN;

namespace MiniTorch.Distributed;

/// <summary>
/// DistributedDataParallel's gradient synchronisation (PyTorch's <c>Reducer</c>). A hook on each trainable parameter
/// fires after backward has accumulated its gradient; the gradient is copied into its bucket, and when a bucket has
/// all of its gradients its all-reduce starts at once (non-blocking), while backward goes on with earlier layers.
/// At the end of backward the reducer waits for the buckets, averages them and writes them back into the gradients.
/// </summary>
internal sealed class Reducer : IDisposable
{
    private enum StepState
    {
        /// <summary>No forward with gradient sync has run since the last reduction (or yet).</summary>
        Idle,

        /// <summary>A forward with sync ran; the coming backward reduces the gradients.</summary>
        Expecting,
    }

    private readonly IReadOnlyList<(string Name, Parameter Parameter)> _parameters;
    private readonly GradBucket[] _buckets;
    private readonly int[] _bucketOf;
    private readonly int[] _slotOf;
    private readonly HookHandle[] _hooks;
    private readonly bool[] _ready;
    private readonly bool[] _locallyUsed;
    private readonly bool _findUnused;
    private StepState _state;
    private int _nextToLaunch;
    private bool _callbackQueued;

    public Reducer(IReadOnlyList<(string Name, Parameter Parameter)> trainable, long bucketCapBytes, bool findUnusedParameters)
    {
        _parameters = trainable;
        _findUnused = findUnusedParameters;
        _buckets = BuildBuckets(trainable, bucketCapBytes, out _bucketOf, out _slotOf);
        _ready = new bool[trainable.Count];
        _locallyUsed = new bool[trainable.Count];
        _hooks = new HookHandle[trainable.Count];
        for (int i = 0; i < trainable.Count; i++)
        {
            int index = i;
            _hooks[i] = trainable[i].Parameter.RegisterPostAccumulateGradHook(_ => MarkReady(index, used: true));
        }
    }

    /// <summary>Raised when a bucket's all-reduce starts, with the bucket's index (0 is the last layers').</summary>
    public event Action<GradBucketInfo>? BucketReduceStarted;

    public IReadOnlyList<GradBucketInfo> Buckets
    {
        get
        {
            var infos = new GradBucketInfo[_buckets.Length];
            for (int b = 0; b < infos.Length; b++)
            {
                infos[b] = Info(_buckets[b]);
            }
            return infos;
        }
    }

    /// <summary>
    /// Called at each forward that will be followed by a synchronised backward. With <c>findUnusedParameters</c>, the
    /// parameters the output does not depend on are marked ready now (contributing zeros), as PyTorch does.
    /// </summary>
    public void PrepareForBackward(Tensor output)
    {
        ResetStep();
        _state = StepState.Expecting;
        if (_findUnused)
        {
            var reachable = Autograd.ReachableLeaves(output);
            for (int i = 0; i < _parameters.Count; i++)
            {
                if (!reachable.Contains(_parameters[i].Parameter))
                {
                    MarkReady(i, used: false);
                }
            }
        }
    }

    /// <summary>Forgets a step whose backward never came (a forward under NoSync, or evaluation with grad enabled).</summary>
    public void CancelStep() => ResetStep();

    private void ResetStep()
    {
        if (_nextToLaunch > 0)
        {
            // Launched reductions must complete before their buffers are reused; every rank launched the same ones.
            foreach (var bucket in _buckets)
            {
                bucket.Work?.Wait();
            }
        }
        Array.Clear(_ready);
        Array.Clear(_locallyUsed);
        foreach (var bucket in _buckets)
        {
            bucket.Pending = bucket.Parameters.Length;
            bucket.Work = null;
        }
        _nextToLaunch = 0;
        _callbackQueued = false;
        _state = StepState.Idle;
    }

    private void MarkReady(int index, bool used)
    {
        if (_state != StepState.Expecting)
        {
            // Backward of a forward run under NoSync (or without DDP's forward): gradients accumulate locally.
            return;
        }
        if (_ready[index])
        {
            throw new DistributedException(
                $"DistributedDataParallel: parameter '{_parameters[index].Name}' received a gradient twice in one step. Run the wrapped model's forward " +
                "once per backward (PyTorch: Expected to mark a variable ready only once).");
        }
        if (!_callbackQueued && Autograd.IsBackwardRunning)
        {
            // Not when findUnusedParameters marks parameters at forward time: the callback belongs to the backward.
            _callbackQueued = true;
            Autograd.QueueCallback(FinalizeBackward);
        }
        _ready[index] = true;
        _locallyUsed[index] = used;
        var bucket = _buckets[_bucketOf[index]];
        var parameter = _parameters[index].Parameter;
        // An unused parameter contributes its current gradient, or zeros without one (as PyTorch's reducer does).
        bucket.CopyIn(_slotOf[index], parameter.Grad, parameter.Numel);
        bucket.Pending--;
        // Buckets start strictly in order, so every rank issues the same collectives in the same order.
        while (_nextToLaunch < _buckets.Length && _buckets[_nextToLaunch].Pending == 0)
        {
            var next = _buckets[_nextToLaunch++];
            BucketReduceStarted?.Invoke(Info(next));
            next.Work = Distributed.AllReduceAsync(next.Flat, ReduceOp.Avg);
        }
        // Open MPI progresses non-blocking collectives only inside MPI calls: poll the running ones.
        for (int b = 0; b < _nextToLaunch; b++)
        {
            _ = _buckets[b].Work?.IsCompleted;
        }
    }

    private void FinalizeBackward()
    {
        if (_state != StepState.Expecting)
        {
            return;
        }
        if (_nextToLaunch < _buckets.Length)
        {
            var missing = new List<string>();
            for (int i = 0; i < _parameters.Count; i++)
            {
                if (!_ready[i])
                {
                    missing.Add($"'{_parameters[i].Name}'");
                }
            }
            ResetStep();
            throw new DistributedException(
                $"DistributedDataParallel: on rank {Distributed.Rank} these parameters received no gradient in this step: {string.Join(", ", missing)}. " +
                "DDP reduces every trainable parameter's gradient each step, so all ranks must agree on which get one. Make every parameter take part in the loss, " +
                "freeze the unused ones (RequiresGrad = false) before wrapping, or pass findUnusedParameters: true " +
                "(PyTorch: Expected to have finished reduction in the prior iteration before starting a new one ... find_unused_parameters=True).");
        }
        bool[]? globallyUsed = _findUnused ? GloballyUsed() : null;
        foreach (var bucket in _buckets)
        {
            bucket.Work!.Wait();
            for (int slot = 0; slot < bucket.Parameters.Length; slot++)
            {
                int index = bucket.Parameters[slot];
                if (globallyUsed is not null && !globallyUsed[index])
                {
                    continue; // no rank used it: leave its gradient as it was (PyTorch leaves it None)
                }
                var parameter = _parameters[index].Parameter;
                if (parameter.Grad is { } grad)
                {
                    bucket.CopyOut(slot, grad);
                }
                else
                {
                    parameter.Grad = bucket.Extract(slot, parameter.Shape);
                }
            }
        }
        Array.Clear(_ready);
        _nextToLaunch = 0;
        foreach (var bucket in _buckets)
        {
            bucket.Pending = bucket.Parameters.Length;
            bucket.Work = null;
        }
        _callbackQueued = false;
        _state = StepState.Idle;
    }

    /// <summary>Which parameters some rank used this step: an all-reduce (max) of the ranks' used flags, as PyTorch's local_used_map.</summary>
    private bool[] GloballyUsed()
    {
        var flags = new float[_parameters.Count];
        for (int i = 0; i < flags.Length; i++)
        {
            flags[i] = _locallyUsed[i] ? 1 : 0;
        }
        var t = Tensor.WrapArray(flags, flags.Length);
        Distributed.AllReduce(t, ReduceOp.Max);
        var used = new bool[flags.Length];
        for (int i = 0; i < flags.Length; i++)
        {
            used[i] = flags[i] > 0;
        }
        return used;
    }

    private GradBucketInfo Info(GradBucket bucket)
    {
        var names = new string[bucket.Parameters.Length];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = _parameters[bucket.Parameters[i]].Name;
        }
        return new GradBucketInfo(bucket.Index, bucket.DType, bucket.Elements, names);
    }

    /// <summary>
    /// Buckets in reverse registration order (the order backward produces gradients), one dtype per bucket, each
    /// closed once it reaches the cap (PyTorch's <c>compute_bucket_assignment_by_size</c>).
    /// </summary>
    private static GradBucket[] BuildBuckets(IReadOnlyList<(string Name, Parameter Parameter)> parameters, long capBytes, out int[] bucketOf, out int[] slotOf)
    {
        bucketOf = new int[parameters.Count];
        slotOf = new int[parameters.Count];
        var buckets = new List<GradBucket>();
        var open = new Dictionary<DType, (List<int> Members, long Bytes)>();
        void Close(DType dtype)
        {
            var (members, _) = open[dtype];
            var offsets = new int[members.Count];
            int elements = 0;
            for (int s = 0; s < members.Count; s++)
            {
                offsets[s] = elements;
                elements += parameters[members[s]].Parameter.Numel;
            }
            open.Remove(dtype);
            buckets.Add(new GradBucket(buckets.Count, dtype, [.. members], offsets, elements));
        }
        for (int i = parameters.Count - 1; i >= 0; i--)
        {
            var p = parameters[i].Parameter;
            CheckReducible(parameters[i].Name, p);
            if (!open.TryGetValue(p.DType, out var current))
            {
                current = ([], 0);
            }
            current.Members.Add(i);
            current.Bytes += (long)p.Numel * p.DType.ElementSize();
            open[p.DType] = current;
            if (current.Bytes >= capBytes)
            {
                Close(p.DType);
            }
        }
        foreach (var dtype in open.Keys.ToArray())
        {
            Close(dtype);
        }
        foreach (var bucket in buckets)
        {
            for (int s = 0; s < bucket.Parameters.Length; s++)
            {
                bucketOf[bucket.Parameters[s]] = bucket.Index;
                slotOf[bucket.Parameters[s]] = s;
            }
        }
        return [.. buckets];
    }

    /// <summary>
    /// Refuses, at construction and on every rank alike, a trainable parameter whose gradient MPI cannot average,
    /// rather than failing mid-backward.
    /// </summary>
    private static void CheckReducible(string name, Parameter p)
    {
        if (GradBucket.IsReducible(p.DType))
        {
            return;
        }
        string why = p.DType.IsFloatingPoint()
            ? $"Open MPI 4 has no {p.DType.ScalarTypeName()} datatype to average gradients with. Keep the trainable parameters in float32 (model.To(DType.Float32)) or freeze this one (RequiresGrad = false) before wrapping."
            : "only floating-point parameters have gradients (PyTorch: only Tensors of floating point dtype can require gradients).";
        throw new NotSupportedException(
            $"DistributedDataParallel: parameter '{name}' is {p.DType.TorchName()} and requires grad, but gradient buckets hold float32 or float64 gradients only: {why}");
    }

    public void Dispose()
    {
        foreach (var hook in _hooks)
        {
            hook.Dispose();
        }
    }
}

/// <summary>One gradient bucket of <see cref="DistributedDataParallel"/>: its position, dtype, size and parameters.</summary>
/// <param name="Index">The bucket's position in launch order (0 holds the last registered parameters).</param>
/// <param name="DType">The dtype of all its gradients.</param>
/// <param name="Elements">The number of gradient elements it reduces.</param>
/// <param name="ParameterNames">The parameters whose gradients it holds, in layout order.</param>
public sealed record GradBucketInfo(int Index, DType DType, int Elements, IReadOnlyList<string> ParameterNames);
