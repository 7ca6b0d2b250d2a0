namespace MiniTorch.Optim;

/// <summary>
/// Anneals each group's learning rate along a cosine from its base value down to <c>etaMin</c> over
/// <c>tMax</c> epochs (PyTorch's <c>CosineAnnealingLr</c>, SGDR without restarts):
/// lr = η_min + (base − η_min)(1 + cos(π·epoch/T_max))/2. Past T_max the cosine continues, rising again.
/// </summary>
/// <remarks>
/// Like PyTorch, each step applies the recursive form to the current learning rate, so a rate changed by hand
/// between steps is carried along; without such changes it equals the closed form up to rounding.
/// </remarks>
public sealed class CosineAnnealingLr : LrScheduler
{
    /// <summary>PyTorch's class name, <c>CosineAnnealingLR</c>, which state dicts record (checkpoints saved before the class took .NET casing still load).</summary>
    public override string Name => "CosineAnnealingLR";

    private readonly int _tMax;
    private readonly double _etaMin;

    /// <summary>Attaches the schedule and sets epoch 0's learning rates.</summary>
    /// <param name="optimizer">The optimizer whose learning rates are set.</param>
    /// <param name="tMax">The number of epochs of the half cosine (≥ 1).</param>
    /// <param name="etaMin">The minimum learning rate (≥ 0).</param>
    public CosineAnnealingLr(Optimizer optimizer, int tMax, double etaMin = 0) : base(optimizer)
    {
        if (tMax < 1)
        {
            throw new ArgumentException($"Invalid T_max: {tMax}; tMax must be >= 1.", nameof(tMax));
        }
        HyperParameters.NonNegative(etaMin, "eta_min", nameof(etaMin));
        _tMax = tMax;
        _etaMin = etaMin;
        InitialStep();
    }

    /// <inheritdoc />
    protected override double[] ComputeLr()
    {
        var groups = Optimizer.ParamGroups;
        var lrs = new double[groups.Count];
        for (int i = 0; i < lrs.Length; i++)
        {
            double lr = groups[i].Lr;
            if (LastEpoch == 0)
            {
                lrs[i] = lr;
            }
            else if ((LastEpoch - 1 - _tMax) % (2 * _tMax) == 0)
            {
                // At the bottom of the cosine the ratio below would divide by zero: step up from η_min instead.
                lrs[i] = lr + (BaseLrs[i] - _etaMin) * (1 - Math.Cos(Math.PI / _tMax)) / 2;
            }
            else
            {
                lrs[i] = (1 + Math.Cos(Math.PI * LastEpoch / _tMax)) / (1 + Math.Cos(Math.PI * (LastEpoch - 1) / _tMax)) * (lr - _etaMin) + _etaMin;
            }
        }
        return lrs;
    }

    /// <inheritdoc />
    protected override double[]? ClosedFormLr() =>
        [.. BaseLrs.Select(b => _etaMin + (b - _etaMin) * (1 + Math.Cos(Math.PI * LastEpoch / _tMax)) / 2)];
}
