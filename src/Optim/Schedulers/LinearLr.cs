namespace MiniTorch.Optim;

/// <summary>
/// Scales each group's learning rate by a factor that changes linearly from <c>startFactor</c> to
/// <c>endFactor</c> over <c>totalIters</c> epochs, then stays (PyTorch's <c>LinearLr</c>); the usual linear
/// warm-up: lr = base · (start + (end − start) · min(epoch, totalIters) / totalIters).
/// </summary>
public sealed class LinearLr : LrScheduler
{
    /// <summary>PyTorch's class name, <c>LinearLR</c>, which state dicts record (checkpoints saved before the class took .NET casing still load).</summary>
    public override string Name => "LinearLR";

    private readonly double _startFactor;
    private readonly double _endFactor;
    private readonly int _totalIters;

    /// <summary>Attaches the schedule and sets epoch 0's learning rates.</summary>
    /// <param name="optimizer">The optimizer whose learning rates are set.</param>
    /// <param name="startFactor">The factor at epoch 0, in (0, 1].</param>
    /// <param name="endFactor">The factor from epoch <paramref name="totalIters"/> on, in [0, 1].</param>
    /// <param name="totalIters">The number of epochs of the ramp (≥ 1).</param>
    public LinearLr(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5) : base(optimizer)
    {
        if (!(startFactor > 0 && startFactor <= 1))
        {
            throw new ArgumentException(
                HyperParameters.Invariant($"Starting multiplicative factor expected to be greater than 0 and less or equal to 1 (got {startFactor})."), nameof(startFactor));
        }
        if (!(endFactor >= 0 && endFactor <= 1))
        {
            throw new ArgumentException(HyperParameters.Invariant($"Ending multiplicative factor expected to be between 0 and 1 (got {endFactor})."), nameof(endFactor));
        }
        if (totalIters < 1)
        {
            throw new ArgumentException($"Invalid totalIters: {totalIters}; it must be >= 1.", nameof(totalIters));
        }
        _startFactor = startFactor;
        _endFactor = endFactor;
        _totalIters = totalIters;
        InitialStep();
    }

    /// <inheritdoc />
    protected override double[] ComputeLr()
    {
        if (LastEpoch == 0)
        {
            return [.. Optimizer.ParamGroups.Select(g => g.Lr * _startFactor)];
        }
        if (LastEpoch > _totalIters)
        {
            return [.. Optimizer.ParamGroups.Select(g => g.Lr)];
        }
        // The ratio of this epoch's factor to the previous one, written as PyTorch writes it so the values agree.
        double ratio = 1.0 + (_endFactor - _startFactor) / (_totalIters * _startFactor + (LastEpoch - 1) * (_endFactor - _startFactor));
        return [.. Optimizer.ParamGroups.Select(g => g.Lr * ratio)];
    }

    /// <inheritdoc />
    protected override double[]? ClosedFormLr() =>
        [.. BaseLrs.Select(b => b * (_startFactor + (_endFactor - _startFactor) * Math.Min(_totalIters, LastEpoch) / _totalIters))];
}
