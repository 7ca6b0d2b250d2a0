namespace MiniTorch.Optim;

/// <summary>
/// Multiplies each group's learning rate by <c>gamma</c> every <c>stepSize</c> epochs (PyTorch's <c>StepLr</c>):
/// lr = base · γ^⌊epoch / stepSize⌋.
/// </summary>
public sealed class StepLr : LrScheduler
{
    /// <summary>PyTorch's class name, <c>StepLR</c>, which state dicts record (checkpoints saved before the class took .NET casing still load).</summary>
    public override string Name => "StepLR";

    private readonly int _stepSize;
    private readonly double _gamma;

    /// <summary>Attaches the schedule and sets epoch 0's learning rates.</summary>
    /// <param name="optimizer">The optimizer whose learning rates are set.</param>
    /// <param name="stepSize">The number of epochs between decays (≥ 1).</param>
    /// <param name="gamma">The factor applied at each decay (&gt; 0).</param>
    public StepLr(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        if (stepSize < 1)
        {
            throw new ArgumentException($"Invalid step size: {stepSize}; stepSize must be >= 1.", nameof(stepSize));
        }
        HyperParameters.Positive(gamma, "gamma", nameof(gamma));
        _stepSize = stepSize;
        _gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc />
    protected override double[] ComputeLr() =>
        [.. Optimizer.ParamGroups.Select(g => LastEpoch == 0 || LastEpoch % _stepSize != 0 ? g.Lr : g.Lr * _gamma)];

    /// <inheritdoc />
    protected override double[]? ClosedFormLr() => [.. BaseLrs.Select(b => b * Math.Pow(_gamma, LastEpoch / _stepSize))];
}
