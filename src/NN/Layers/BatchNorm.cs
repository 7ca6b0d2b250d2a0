namespace MiniTorch.NN;

/// <summary>
/// Batch normalisation per channel (dim 1), the shared part of <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/>
/// (PyTorch's <c>_BatchNorm</c>). Training mode normalises with the batch statistics and updates the running ones;
/// evaluation mode, and a module made <see cref="Module.Freeze">frozen</see>, normalise with the running statistics
/// and leave them unchanged.
/// </summary>
public abstract class BatchNorm : Module
{
    /// <summary>Registers weight (ones), bias (zeros), running_mean (zeros), running_var (ones) and num_batches_tracked (0) as PyTorch does.</summary>
    /// <param name="numFeatures">The number of channels C.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="momentum">Weight of the new batch in the running statistics; null for a cumulative average.</param>
    /// <param name="affine">Whether to learn a per-channel scale and shift.</param>
    /// <param name="trackRunningStats">Whether to keep running statistics (otherwise batch statistics are always used).</param>
    /// <param name="dtype">The dtype of parameters and buffers.</param>
    protected BatchNorm(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numFeatures);
        if (!(eps > 0) || momentum is < 0 or > 1 || momentum is double.NaN)
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), $"{GetType().Name}: eps must be positive and momentum in [0, 1] (or null); got eps={eps}, momentum={momentum}.");
        }
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        RegisterParameter("weight", affine ? new Parameter(Tensor.Ones([numFeatures], dtype)) : null);
        RegisterParameter("bias", affine ? new Parameter(Tensor.Zeros([numFeatures], dtype)) : null);
        RegisterBuffer("running_mean", trackRunningStats ? Tensor.Zeros([numFeatures], dtype) : null);
        RegisterBuffer("running_var", trackRunningStats ? Tensor.Ones([numFeatures], dtype) : null);
        // An Int64 0-dim count whatever the layer's dtype, as PyTorch's torch.tensor(0, dtype=torch.long): checkpoints
        // store it as I64 both ways. An older MiniTorch checkpoint holding it as a float loads too (LoadStateDict
        // converts, as PyTorch's copy_ does).
        RegisterBuffer("num_batches_tracked", trackRunningStats ? Tensor.FromArray([0L], []) : null);
    }

    /// <summary>The number of channels.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }

    /// <summary>Weight of each new batch in the running statistics; null means a cumulative average over all batches.</summary>
    public double? Momentum { get; }

    /// <summary>The per-channel scale (ones initially), or null without affine.</summary>
    public Parameter? Weight => GetParameter("weight");

    /// <summary>The per-channel shift (zeros initially), or null without affine.</summary>
    public Parameter? Bias => GetParameter("bias");

    /// <summary>The running mean per channel, or null when not tracking running statistics.</summary>
    public Tensor? RunningMean => GetBuffer("running_mean");

    /// <summary>The running (unbiased) variance per channel, or null when not tracking running statistics.</summary>
    public Tensor? RunningVar => GetBuffer("running_var");

    /// <summary>How many training batches updated the running statistics (an Int64 0-dim tensor, as in PyTorch), or null when not tracking them.</summary>
    public Tensor? NumBatchesTracked => GetBuffer("num_batches_tracked");

    /// <summary>Whether running statistics are kept.</summary>
    public bool TrackRunningStats => RunningMean is not null;

    /// <summary>Resets the running statistics to mean 0, variance 1 and a count of 0.</summary>
    public void ResetRunningStats()
    {
        if (RunningMean is { } mean && RunningVar is { } variance && NumBatchesTracked is { } count)
        {
            Init.ZerosInPlace(mean);
            Init.OnesInPlace(variance);
            SetCount(count, 0);
        }
    }

    /// <summary>
    /// Writes the count straight into its one element (it takes no part in any graph), bumping its version as an
    /// in-place op does; returns the new count.
    /// </summary>
    private static long SetCount(Tensor count, long value)
    {
        count.AsSpan<long>()[0] = value;
        Autograd.IncrementVersion(count);
        return value;
    }

    /// <summary>
    /// This layer as a fixed per-channel map, its running statistics and affine parameters, when it normalises with
    /// them and updates nothing (evaluation mode, or frozen, with running statistics tracked); null when it would use
    /// batch statistics. Not the same as <see cref="Module.IsFrozen"/>: a layer in evaluation mode has one too.
    /// </summary>
    internal FrozenBatchNorm? FixedNormalization =>
        (IsTraining && !IsFrozen) || RunningMean is not { } mean || RunningVar is not { } variance ? null : new FrozenBatchNorm(mean, variance, Weight, Bias, Eps);

    /// <summary>Checks the rank of the input; the message names the layouts the layer accepts.</summary>
    protected abstract void CheckRank(Tensor input);

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        CheckRank(input);
        if (input.Size(1) != NumFeatures)
        {
            throw InputError(input, $"(N, {NumFeatures}, …)", $"The input has {input.Size(1)} channels; NumFeatures is {NumFeatures}.");
        }
        var weight = Weight;
        CheckDType(input, weight?.DType ?? RunningMean?.DType ?? input.DType);
        bool learning = IsTraining && !IsFrozen;
        bool update = learning && TrackRunningStats;
        double momentum = Momentum ?? 0;
        if (update)
        {
            var count = NumBatchesTracked!;
            long tracked = SetCount(count, count.AsSpan<long>()[0] + 1);
            momentum = Momentum ?? 1.0 / tracked;
        }
        bool useBatchStatistics = learning || !TrackRunningStats;
        return Functional.BatchNorm(input, useBatchStatistics && !update ? null : RunningMean, useBatchStatistics && !update ? null : RunningVar,
            weight, Bias, useBatchStatistics, momentum, Eps);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() =>
        FormattableString.Invariant($"{NumFeatures}, eps={Eps}, momentum={(Momentum is double m ? m.ToString(System.Globalization.CultureInfo.InvariantCulture) : "None")}, affine={PyBool(Weight is not null)}, track_running_stats={PyBool(TrackRunningStats)}");
}

/// <summary>Batch normalisation of (N, C) or (N, C, L) input over N (and L) per channel (PyTorch's <c>nn.BatchNorm1d</c>).</summary>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Creates the layer (defaults as PyTorch: eps 1e-5, momentum 0.1, affine, tracking running statistics).</summary>
    public BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
    {
    }

    /// <inheritdoc />
    protected override void CheckRank(Tensor input)
    {
        if (input.Rank != 2 && input.Rank != 3)
        {
            throw InputError(input, $"(N, {NumFeatures}) or (N, {NumFeatures}, L)");
        }
    }
}

/// <summary>Batch normalisation of (N, C, H, W) input over N, H and W per channel (PyTorch's <c>nn.BatchNorm2d</c>).</summary>
public sealed class BatchNorm2d : BatchNorm
{
    /// <summary>Creates the layer (defaults as PyTorch: eps 1e-5, momentum 0.1, affine, tracking running statistics).</summary>
    public BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
    {
    }

    /// <inheritdoc />
    protected override void CheckRank(Tensor input)
    {
        if (input.Rank != 4)
        {
            throw InputError(input, $"(N, {NumFeatures}, H, W)");
        }
    }
}
