namespace MiniTorch.Optim;

/// <summary>
/// The base of learning-rate schedulers (PyTorch's <c>torch.optim.lr_scheduler.LRScheduler</c>): it sets the
/// <see cref="ParamGroup.Lr"/> of every group of an optimizer, once when created (epoch 0) and again at each
/// <see cref="Step"/>. Call <see cref="Step"/> after <see cref="Optimizer.Step"/>, once per epoch (or per
/// iteration, for per-iteration schedules).
/// </summary>
/// <remarks>
/// The first scheduler attached to an optimizer records each group's learning rate as
/// <see cref="ParamGroup.InitialLr"/>; <see cref="BaseLrs"/> are those values. A subclass computes the new
/// rates in <see cref="ComputeLr"/> (PyTorch's chainable <c>get_lr</c>) and calls <see cref="InitialStep"/> as
/// the last statement of its constructor, once its own fields are set. To resume a run, construct the scheduler
/// as before and load its <see cref="StateDict"/> (there is no <c>last_epoch</c> constructor argument).
/// </remarks>
public abstract class LrScheduler
{
    private readonly double[] _baseLrs;
    private double[] _lastLr = [];
    private bool _started;

    /// <summary>Attaches the scheduler to <paramref name="optimizer"/>.</summary>
    protected LrScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        foreach (var group in optimizer.ParamGroups)
        {
            if (!group.HasOption(nameof(ParamGroup.InitialLr)))
            {
                group.InitialLr = group.Lr;
            }
        }
        _baseLrs = [.. optimizer.ParamGroups.Select(g => g.InitialLr)];
        LastEpoch = -1;
    }

    /// <summary>The optimizer whose learning rates this scheduler sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Each group's learning rate before any schedule (its <see cref="ParamGroup.InitialLr"/>).</summary>
    public IReadOnlyList<double> BaseLrs => _baseLrs;

    /// <summary>The number of the current epoch: 0 after construction, one more after each <see cref="Step"/>.</summary>
    public int LastEpoch { get; internal set; }

    /// <summary>How many times the learning rates were set, counting the initial step (PyTorch's <c>_step_count</c>).</summary>
    public int StepCount { get; private set; }

    /// <summary>The scheduler's name as recorded in its state dict: the class name, or PyTorch's for the built-in schedulers (<c>StepLR</c> for <see cref="StepLr"/>).</summary>
    public virtual string Name => GetType().Name;

    /// <summary>Advances one epoch and sets every group's learning rate for it.</summary>
    /// <exception cref="InvalidOperationException">Groups were added to the optimizer after the scheduler was created,
    /// or a subclass did not call <see cref="InitialStep"/>.</exception>
    public void Step()
    {
        EnsureStarted();
        Advance();
    }

    /// <summary>The learning rate of each group as last set by this scheduler (PyTorch's <c>get_last_lr()</c>).</summary>
    public IReadOnlyList<double> GetLastLr()
    {
        EnsureStarted();
        return (double[])_lastLr.Clone();
    }

    /// <summary>
    /// The next learning rate of each group, computed from the groups' current rates and <see cref="LastEpoch"/>
    /// (already advanced to the new epoch). The recursive form is what PyTorch uses, so schedules agree with it.
    /// </summary>
    protected abstract double[] ComputeLr();

    /// <summary>The learning rates at <see cref="LastEpoch"/> from <see cref="BaseLrs"/> alone, or null if the schedule has no closed form.</summary>
    /// <remarks><see cref="SequentialLr"/> uses it to restart a schedule at epoch 0, as PyTorch's <c>step(0)</c> does.</remarks>
    protected virtual double[]? ClosedFormLr() => null;

    /// <summary>Performs the initial step that sets epoch 0's learning rates; the last statement of every subclass constructor.</summary>
    protected void InitialStep()
    {
        _started = true;
        StepCount = 0;
        Advance();
    }

    /// <summary>PyTorch's <c>_initial_step()</c>, for a scheduler that drives other schedulers.</summary>
    internal void RunInitialStep() => InitialStep();

    /// <summary>PyTorch's <c>step(0)</c>: jumps to epoch 0 and sets its learning rates from the closed form.</summary>
    internal void RestartAtEpochZero()
    {
        EnsureStarted();
        StepCount++;
        LastEpoch = 0;
        Apply(ClosedFormLr() ?? ComputeLr());
    }

    private void Advance()
    {
        StepCount++;
        LastEpoch++;
        Apply(ComputeLr());
    }

    private void Apply(double[] lrs)
    {
        var groups = Optimizer.ParamGroups;
        if (lrs is null || lrs.Length != groups.Count)
        {
            throw new InvalidOperationException($"{Name}: ComputeLr returned {lrs?.Length ?? 0} learning rates for {groups.Count} parameter groups.");
        }
        for (int i = 0; i < groups.Count; i++)
        {
            groups[i].Lr = lrs[i];
        }
        _lastLr = [.. groups.Select(g => g.Lr)];
    }

    private void EnsureStarted()
    {
        if (!_started)
        {
            throw new InvalidOperationException($"{Name}: the scheduler was not started; a scheduler's constructor must end by calling InitialStep().");
        }
        if (Optimizer.ParamGroups.Count != _baseLrs.Length)
        {
            throw new InvalidOperationException(
                $"{Name}: the optimizer has {Optimizer.ParamGroups.Count} parameter groups, but the scheduler was created for {_baseLrs.Length}; create the scheduler after adding every group.");
        }
    }

    /// <summary>The scheduler's progress: epoch, step count, base and last learning rates (PyTorch's <c>state_dict()</c>).</summary>
    /// <remarks>The schedule's own settings (step size, γ, …) come from the constructor and are not part of the state.</remarks>
    public virtual LrSchedulerStateDict StateDict()
    {
        EnsureStarted();
        return new LrSchedulerStateDict(Name, LastEpoch, StepCount, [.. _baseLrs], [.. _lastLr]);
    }

    /// <summary>
    /// Restores progress saved by <see cref="StateDict"/> and sets every group's learning rate to the saved last rate,
    /// so the result does not depend on whether the optimizer's state was loaded before or after the scheduler was created.
    /// </summary>
    /// <exception cref="ArgumentException">The state is of another scheduler type or another number of groups.</exception>
    public virtual void LoadStateDict(LrSchedulerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        EnsureStarted();
        if (stateDict.Scheduler != Name)
        {
            throw new ArgumentException($"LoadStateDict: the state dict was saved by a {stateDict.Scheduler}, but this scheduler is a {Name}.", nameof(stateDict));
        }
        if (stateDict.BaseLrs.Count != _baseLrs.Length || stateDict.LastLr.Count != _baseLrs.Length)
        {
            throw new ArgumentException(
                $"LoadStateDict: the state dict has learning rates for {stateDict.BaseLrs.Count} parameter groups, but the optimizer has {_baseLrs.Length}.", nameof(stateDict));
        }
        if (stateDict.LastEpoch < 0 || stateDict.StepCount < 1)
        {
            throw new ArgumentException(
                $"LoadStateDict: the state dict has epoch {stateDict.LastEpoch} and step count {stateDict.StepCount}; a started scheduler has epoch >= 0 and step count >= 1.", nameof(stateDict));
        }
        LastEpoch = stateDict.LastEpoch;
        StepCount = stateDict.StepCount;
        stateDict.BaseLrs.ToArray().CopyTo(_baseLrs, 0);
        Apply([.. stateDict.LastLr]);
    }
}
