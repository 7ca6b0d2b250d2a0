namespace MiniTorch.Optim;

/// <summary>Multiplies each group's learning rate by <c>gamma</c> every epoch (PyTorch's <c>ExponentialLr</c>): lr = base · γ^epoch.</summary>
public sealed class ExponentialLr : LrScheduler
{
    /// <summary>PyTorch's class name, <c>ExponentialLR</c>, which state dicts record (checkpoints saved before the class took .NET casing still load).</summary>
    public override string Name => "ExponentialLR";

    private readonly double _gamma;

    /// <summary>Attaches the schedule and sets epoch 0's learning rates.</summary>
    /// <param name="optimizer">The optimizer whose learning rates are set.</param>
    /// <param name="gamma">The factor applied each epoch (&gt; 0).</param>
    public ExponentialLr(Optimizer optimizer, double gamma) : base(optimizer)
    {
        HyperParameters.Positive(gamma, "gamma", nameof(gamma));
        _gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc />
    protected override double[] ComputeLr() => [.. Optimizer.ParamGroups.Select(g => LastEpoch == 0 ? g.Lr : g.Lr * _gamma)];

    /// <inheritdoc />
    protected override double[]? ClosedFormLr() => [.. BaseLrs.Select(b => b * Math.Pow(_gamma, LastEpoch))];
}
