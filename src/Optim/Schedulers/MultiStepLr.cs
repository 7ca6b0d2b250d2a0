namespace MiniTorch.Optim;

/// <summary>
/// Multiplies each group's learning rate by <c>gamma</c> at each milestone epoch (PyTorch's <c>MultiStepLr</c>):
/// lr = base · γ^(number of milestones ≤ epoch). A milestone listed twice applies γ twice, as in PyTorch.
/// </summary>
public sealed class MultiStepLr : LrScheduler
{
    /// <summary>PyTorch's class name, <c>MultiStepLR</c>, which state dicts record (checkpoints saved before the class took .NET casing still load).</summary>
    public override string Name => "MultiStepLR";

    private readonly int[] _milestones;
    private readonly Dictionary<int, int> _counts = [];
    private readonly double _gamma;

    /// <summary>Attaches the schedule and sets epoch 0's learning rates.</summary>
    /// <param name="optimizer">The optimizer whose learning rates are set.</param>
    /// <param name="milestones">The epochs at which to decay (≥ 0, any order).</param>
    /// <param name="gamma">The factor applied at each milestone (&gt; 0).</param>
    public MultiStepLr(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1) : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = [.. milestones.Order()];
        if (_milestones.Length > 0 && _milestones[0] < 0)
        {
            throw new ArgumentException($"Invalid milestone: {_milestones[0]}; milestones must be epochs >= 0.", nameof(milestones));
        }
        HyperParameters.Positive(gamma, "gamma", nameof(gamma));
        foreach (int m in _milestones)
        {
            _counts[m] = _counts.GetValueOrDefault(m) + 1;
        }
        _gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc />
    protected override double[] ComputeLr() =>
        [.. Optimizer.ParamGroups.Select(g => _counts.TryGetValue(LastEpoch, out int count) ? g.Lr * Math.Pow(_gamma, count) : g.Lr)];

    /// <inheritdoc />
    protected override double[]? ClosedFormLr()
    {
        int passed = _milestones.Count(m => m <= LastEpoch);
        return [.. BaseLrs.Select(b => b * Math.Pow(_gamma, passed))];
    }
}
