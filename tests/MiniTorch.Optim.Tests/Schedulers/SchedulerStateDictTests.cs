namespace MiniTorch.Optim.Tests.Schedulers;

/// <summary>Scheduler StateDict/LoadStateDict: the schedule continues exactly where it was saved.</summary>
public class SchedulerStateDictTests
{
    private static Sgd NewOptimizer() =>
        new([new ParamGroup([Tensor.Zeros([1], requiresGrad: true)]), new ParamGroup([Tensor.Zeros([1], requiresGrad: true)]) { Lr = 0.01 }], lr: 0.1, momentum: 0.9);

    private static LrScheduler NewSchedule(Optimizer o) =>
        new SequentialLr(o, [new LinearLr(o, startFactor: 0.2, totalIters: 3), new CosineAnnealingLr(o, tMax: 8, etaMin: 1e-4)], milestones: [3]);

    private static List<double[]> Continue(Optimizer o, LrScheduler s, int steps)
    {
        var lrs = new List<double[]>();
        for (int t = 0; t < steps; t++)
        {
            o.Step();
            s.Step();
            lrs.Add([.. o.ParamGroups.Select(g => g.Lr)]);
        }
        return lrs;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ScheduleResumesExactlyWhicheverStateIsLoadedFirst(bool optimizerFirst)
    {
        var o1 = NewOptimizer();
        var s1 = NewSchedule(o1);
        Continue(o1, s1, 5);
        var savedOptimizer = o1.StateDict();
        var savedSchedule = s1.StateDict();
        var expected = Continue(o1, s1, 9);

        var o2 = NewOptimizer();
        LrScheduler s2;
        if (optimizerFirst)
        {
            // The scheduler's constructor then changes the loaded learning rates; loading its state must undo that.
            o2.LoadStateDict(savedOptimizer);
            s2 = NewSchedule(o2);
            s2.LoadStateDict(savedSchedule);
        }
        else
        {
            s2 = NewSchedule(o2);
            o2.LoadStateDict(savedOptimizer);
            s2.LoadStateDict(savedSchedule);
        }
        Assert.Equal(5, s2.LastEpoch);
        var resumed = Continue(o2, s2, 9);
        Assert.Equal(expected, resumed);
    }

    [Fact]
    public void TheSnapshotHoldsProgressAndTheChildren()
    {
        var o = NewOptimizer();
        var s = NewSchedule(o);
        Continue(o, s, 4);
        var saved = s.StateDict();
        Assert.Equal("SequentialLR", saved.Scheduler);
        Assert.Equal(4, saved.LastEpoch);
        Assert.Equal(5, saved.StepCount);
        Assert.Equal([0.1, 0.01], saved.BaseLrs);
        Assert.Equal([.. o.ParamGroups.Select(g => g.Lr)], saved.LastLr);
        Assert.Equal(["LinearLR", "CosineAnnealingLR"], saved.Children.Select(c => c.Scheduler));
        Assert.Equal(1, saved.Children[1].LastEpoch);
    }

    [Fact]
    public void SnapshotsThatDoNotFitAreRejected()
    {
        var o = NewOptimizer();
        var step = new StepLr(o, 2);
        var saved = step.StateDict();
        void Rejects(LrScheduler s, LrSchedulerStateDict bad, string message)
        {
            var e = Assert.Throws<ArgumentException>(() => s.LoadStateDict(bad));
            Assert.StartsWith(message, e.Message);
            Assert.Equal("stateDict", e.ParamName);
        }
        Rejects(new ExponentialLr(o, 0.5), saved, "LoadStateDict: the state dict was saved by a StepLR, but this scheduler is a ExponentialLR.");
        Rejects(step, new LrSchedulerStateDict("StepLR", 3, 4, [0.1], [0.1]), "LoadStateDict: the state dict has learning rates for 1 parameter groups, but the optimizer has 2.");
        Rejects(step, new LrSchedulerStateDict("StepLR", -1, 0, [0.1, 0.01], [0.1, 0.01]),
            "LoadStateDict: the state dict has epoch -1 and step count 0; a started scheduler has epoch >= 0 and step count >= 1.");
        var sequential = NewSchedule(o);
        Rejects(sequential, new LrSchedulerStateDict("SequentialLR", 1, 2, [0.1, 0.01], [0.1, 0.01]),
            "LoadStateDict: the state dict holds 0 schedulers, but this SequentialLr runs 2.");
        Assert.Throws<ArgumentNullException>(() => step.LoadStateDict(null!));
    }
}
