namespace MiniTorch.Optim;

/// <summary>Multiplies each group's learning rate by <c>gamma</c> every epoch (PyTorch's <c>ExponentialLR</c>): lr = base · γ^epoch.</summary>
public sealed class ExponentialLR : LRScheduler
{
    private readonly double _gamma;

    /// <summary>Attaches the schedule and sets epoch 0's learning rates.</summary>
    /// <param name="optimizer">The optimizer whose learning rates are set.</param>
    /// <param name="gamma">The factor applied each epoch (&gt; 0).</param>
    public ExponentialLR(Optimizer optimizer, double gamma) : base(optimizer)
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
