namespace MiniTorch.Optim;

/// <summary>A snapshot of an <see cref="LrScheduler"/>'s progress, as returned by <see cref="LrScheduler.StateDict"/>.</summary>
public sealed class LrSchedulerStateDict
{
    /// <summary>Creates a snapshot; <see cref="LrScheduler.StateDict"/> is the usual way to get one.</summary>
    /// <param name="scheduler">The name of the scheduler that saved it (e.g. <c>StepLr</c>).</param>
    /// <param name="lastEpoch">The epoch reached.</param>
    /// <param name="stepCount">How many times the learning rates were set.</param>
    /// <param name="baseLrs">Each group's base learning rate.</param>
    /// <param name="lastLr">Each group's learning rate as last set.</param>
    /// <param name="children">The snapshots of the schedulers a composite scheduler drives, in order.</param>
    public LrSchedulerStateDict(string scheduler, int lastEpoch, int stepCount, IReadOnlyList<double> baseLrs, IReadOnlyList<double> lastLr, IReadOnlyList<LrSchedulerStateDict>? children = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(baseLrs);
        ArgumentNullException.ThrowIfNull(lastLr);
        Scheduler = scheduler;
        LastEpoch = lastEpoch;
        StepCount = stepCount;
        BaseLrs = baseLrs;
        LastLr = lastLr;
        Children = children ?? [];
    }

    /// <summary>The name of the scheduler that saved this state.</summary>
    public string Scheduler { get; }

    /// <summary>The epoch reached.</summary>
    public int LastEpoch { get; }

    /// <summary>How many times the learning rates were set, counting the initial step.</summary>
    public int StepCount { get; }

    /// <summary>Each group's base learning rate.</summary>
    public IReadOnlyList<double> BaseLrs { get; }

    /// <summary>Each group's learning rate as last set.</summary>
    public IReadOnlyList<double> LastLr { get; }

    /// <summary>The snapshots of the schedulers a composite scheduler (e.g. <see cref="SequentialLr"/>) drives.</summary>
    public IReadOnlyList<LrSchedulerStateDict> Children { get; }
}
