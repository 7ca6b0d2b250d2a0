namespace MiniTorch.Optim;

/// <summary>
/// Runs schedulers one after another, switching at milestone epochs (PyTorch's <c>SequentialLr</c>); the usual
/// way to put a warm-up in front of a decay:
/// <code>
/// var warmup = new LinearLR(opt, startFactor: 0.1, totalIters: 5);
/// var decay = new CosineAnnealingLR(opt, tMax: 95);
/// var schedule = new SequentialLR(opt, [warmup, decay], milestones: [5]);
/// </code>
/// At a milestone the next scheduler restarts at its epoch 0 from the base learning rates, as in PyTorch.
/// </summary>
public sealed class SequentialLr : LrScheduler
{
    /// <summary>PyTorch's class name, <c>SequentialLR</c>, which state dicts record (checkpoints saved before the class took .NET casing still load).</summary>
    public override string Name => "SequentialLR";

    private readonly LrScheduler[] _schedulers;
    private readonly int[] _milestones;

    /// <summary>Takes over the schedulers and sets epoch 0's learning rates from the first one.</summary>
    /// <param name="optimizer">The optimizer all the schedulers belong to.</param>
    /// <param name="schedulers">The schedulers, in the order they run; they should be stepped only through this one.</param>
    /// <param name="milestones">The epochs at which to switch to the next scheduler: one fewer than the schedulers, increasing, ≥ 1.</param>
    public SequentialLr(Optimizer optimizer, IReadOnlyList<LrScheduler> schedulers, IReadOnlyList<int> milestones) : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedulers.Count == 0)
        {
            throw new ArgumentException("Sequential Schedulers expects at least one scheduler.", nameof(schedulers));
        }
        for (int i = 0; i < schedulers.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(schedulers[i], nameof(schedulers));
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
            {
                throw new ArgumentException(
                    $"Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index {i} to be different than the optimizer passed in.", nameof(schedulers));
            }
        }
        if (milestones.Count != schedulers.Count - 1)
        {
            throw new ArgumentException(
                $"Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers {schedulers.Count} and the number of milestones to be equal to {milestones.Count}.",
                nameof(milestones));
        }
        for (int i = 0; i < milestones.Count; i++)
        {
            if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1]))
            {
                throw new ArgumentException($"Invalid milestones [{string.Join(", ", milestones)}]: they must be epochs >= 1 in increasing order.", nameof(milestones));
            }
        }
        _schedulers = [.. schedulers];
        _milestones = [.. milestones];
        InitialStep();
    }

    /// <summary>The schedulers this one runs, in order.</summary>
    public IReadOnlyList<LrScheduler> Schedulers => _schedulers;

    /// <inheritdoc />
    /// <remarks>Steps the scheduler whose turn it is (restarting it at a milestone) and returns the rates it set.</remarks>
    protected override double[] ComputeLr()
    {
        if (LastEpoch == 0)
        {
            // The constructors of the schedulers have each taken a step; undo them and start the first one afresh.
            foreach (var group in Optimizer.ParamGroups)
            {
                group.Lr = group.InitialLr;
            }
            foreach (var scheduler in _schedulers)
            {
                scheduler.LastEpoch--;
            }
            _schedulers[0].RunInitialStep();
            return [.. _schedulers[0].GetLastLr()];
        }
        int index = _milestones.Count(m => m <= LastEpoch);
        var current = _schedulers[index];
        if (index > 0 && _milestones[index - 1] == LastEpoch)
        {
            current.RestartAtEpochZero();
        }
        else
        {
            current.Step();
        }
        return [.. current.GetLastLr()];
    }

    /// <inheritdoc />
    public override LrSchedulerStateDict StateDict()
    {
        var own = base.StateDict();
        return new LrSchedulerStateDict(own.Scheduler, own.LastEpoch, own.StepCount, own.BaseLrs, own.LastLr, [.. _schedulers.Select(s => s.StateDict())]);
    }

    /// <inheritdoc />
    /// <remarks>The schedulers it runs are restored first, then this one, whose last learning rates are the ones that stay set.</remarks>
    public override void LoadStateDict(LrSchedulerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        if (stateDict.Scheduler == Name && stateDict.Children.Count != _schedulers.Length)
        {
            throw new ArgumentException(
                $"LoadStateDict: the state dict holds {stateDict.Children.Count} schedulers, but this SequentialLr runs {_schedulers.Length}.", nameof(stateDict));
        }
        if (stateDict.Scheduler == Name)
        {
            for (int i = 0; i < _schedulers.Length; i++)
            {
                _schedulers[i].LoadStateDict(stateDict.Children[i]);
            }
        }
        base.LoadStateDict(stateDict);
    }
}
