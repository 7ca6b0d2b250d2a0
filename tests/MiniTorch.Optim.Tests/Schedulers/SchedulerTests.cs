namespace MiniTorch.Optim.Tests.Schedulers;

/// <summary>Schedules against their closed forms, the scheduler protocol, and bad arguments.</summary>
public class SchedulerTests
{
    private static Sgd Optimizer(double lr = 0.1, int groups = 1) =>
        new([.. Enumerable.Range(0, groups).Select(i => new ParamGroup([Tensor.Zeros([1], requiresGrad: true)]) { Lr = lr / Math.Pow(10, i) })], lr: lr);

    private static double[] Run(LrScheduler scheduler, int steps)
    {
        var lrs = new double[steps + 1];
        lrs[0] = scheduler.GetLastLr()[0];
        for (int t = 1; t <= steps; t++)
        {
            scheduler.Optimizer.Step();
            scheduler.Step();
            lrs[t] = scheduler.GetLastLr()[0];
        }
        return lrs;
    }

    private static void AssertSchedule(Func<int, double> closedForm, double[] lrs, double rtol = 1e-14)
    {
        for (int t = 0; t < lrs.Length; t++)
        {
            Assert.True(Math.Abs(closedForm(t) - lrs[t]) <= rtol * Math.Abs(closedForm(t)) + 1e-18, $"epoch {t}: expected {closedForm(t):R}, got {lrs[t]:R}");
        }
    }

    [Fact]
    public void StepLrDecaysEveryStepSizeEpochs()
    {
        AssertSchedule(t => 0.1 * Math.Pow(0.5, t / 3), Run(new StepLr(Optimizer(), stepSize: 3, gamma: 0.5), 12));
    }

    [Fact]
    public void MultiStepLrDecaysAtEachMilestoneCountingRepeats()
    {
        var lrs = Run(new MultiStepLr(Optimizer(), [6, 2, 6], gamma: 0.5), 8);
        AssertSchedule(t => 0.1 * Math.Pow(0.5, t >= 6 ? 3 : t >= 2 ? 1 : 0), lrs);
    }

    [Fact]
    public void ExponentialLrDecaysEveryEpoch()
    {
        AssertSchedule(t => 0.1 * Math.Pow(0.9, t), Run(new ExponentialLr(Optimizer(), gamma: 0.9), 20), 1e-13);
    }

    [Fact]
    public void CosineAnnealingFollowsTheCosineDownAndBackUp()
    {
        var lrs = Run(new CosineAnnealingLr(Optimizer(), tMax: 10, etaMin: 0.001), 25);
        AssertSchedule(t => 0.001 + (0.1 - 0.001) * (1 + Math.Cos(Math.PI * t / 10)) / 2, lrs, 1e-12);
        Assert.Equal(0.001, lrs[10], 15);
    }

    [Fact]
    public void LinearLrWarmsUpThenHolds()
    {
        var lrs = Run(new LinearLr(Optimizer(), startFactor: 0.25, totalIters: 4), 8);
        AssertSchedule(t => 0.1 * (0.25 + 0.75 * Math.Min(t, 4) / 4), lrs);
        Assert.Equal(0.1 / 3, new LinearLr(Optimizer()).GetLastLr()[0], 15);
    }

    [Fact]
    public void SequentialLrRunsAWarmUpThenADecay()
    {
        var optimizer = Optimizer();
        var warmup = new LinearLr(optimizer, startFactor: 0.1, totalIters: 4);
        var decay = new ExponentialLr(optimizer, gamma: 0.5);
        var schedule = new SequentialLr(optimizer, [warmup, decay], milestones: [4]);
        var lrs = Run(schedule, 7);
        AssertSchedule(t => t < 4 ? 0.1 * (0.1 + 0.9 * t / 4) : 0.1 * Math.Pow(0.5, t - 4), lrs);
        Assert.Equal([warmup, decay], schedule.Schedulers);
        Assert.Equal(7, schedule.LastEpoch);
        Assert.Equal(3, decay.LastEpoch);
    }

    [Fact]
    public void EveryGroupFollowsTheScheduleFromItsOwnBase()
    {
        var optimizer = Optimizer(groups: 2);
        var scheduler = new StepLr(optimizer, stepSize: 1, gamma: 0.5);
        scheduler.Step();
        Assert.Equal([0.05, 0.005], scheduler.GetLastLr());
        Assert.Equal([0.1, 0.01], scheduler.BaseLrs);
        Assert.Equal(0.01, optimizer.ParamGroups[1].InitialLr);
    }

    [Fact]
    public void TheFirstSchedulerRecordsInitialLrAndLaterOnesKeepIt()
    {
        var optimizer = Optimizer();
        _ = new LinearLr(optimizer, startFactor: 0.5);
        Assert.Equal(0.05, optimizer.ParamGroups[0].Lr, 15);
        var second = new StepLr(optimizer, stepSize: 2);
        Assert.Equal(0.1, optimizer.ParamGroups[0].InitialLr);
        Assert.Equal([0.1], second.BaseLrs);
    }

    [Fact]
    public void AHandSetLearningRateIsCarriedAlongAsInPyTorch()
    {
        var optimizer = Optimizer();
        var scheduler = new ExponentialLr(optimizer, gamma: 0.5);
        optimizer.ParamGroups[0].Lr = 1;
        scheduler.Step();
        Assert.Equal(0.5, optimizer.ParamGroups[0].Lr);
    }

    [Fact]
    public void GroupsAddedAfterTheSchedulerAreAnError()
    {
        var optimizer = Optimizer();
        var scheduler = new StepLr(optimizer, stepSize: 2);
        optimizer.AddParamGroup(new ParamGroup([Tensor.Zeros([1], requiresGrad: true)]));
        var e = Assert.Throws<InvalidOperationException>(scheduler.Step);
        Assert.Equal("StepLR: the optimizer has 2 parameter groups, but the scheduler was created for 1; create the scheduler after adding every group.", e.Message);
    }

    private sealed class Forgetful : LrScheduler
    {
        public Forgetful(Optimizer optimizer) : base(optimizer)
        {
        }

        protected override double[] ComputeLr() => [1.0];
    }

    private sealed class WrongLength : LrScheduler
    {
        public WrongLength(Optimizer optimizer) : base(optimizer) => InitialStep();

        protected override double[] ComputeLr() => [1.0, 2.0];
    }

    [Fact]
    public void CustomSchedulersMustStartAndReturnOneRatePerGroup()
    {
        var forgetful = new Forgetful(Optimizer());
        Assert.Equal("Forgetful: the scheduler was not started; a scheduler's constructor must end by calling InitialStep().",
            Assert.Throws<InvalidOperationException>(forgetful.Step).Message);
        Assert.Throws<InvalidOperationException>(() => forgetful.GetLastLr());
        Assert.Equal("WrongLength: ComputeLr returned 2 learning rates for 1 parameter groups.",
            Assert.Throws<InvalidOperationException>(() => new WrongLength(Optimizer())).Message);
    }

    [Fact]
    public void InvalidArgumentsAreRejectedWithTheValue()
    {
        var o = Optimizer();
        void Rejects(Action create, string start, string param)
        {
            var e = Assert.Throws<ArgumentException>(create);
            Assert.StartsWith(start, e.Message);
            Assert.Equal(param, e.ParamName);
        }
        Rejects(() => new StepLr(o, stepSize: 0), "Invalid step size: 0; stepSize must be >= 1.", "stepSize");
        Rejects(() => new StepLr(o, stepSize: 2, gamma: 0), "Invalid gamma: 0; gamma must be a finite number > 0.", "gamma");
        Rejects(() => new MultiStepLr(o, [3, -1]), "Invalid milestone: -1; milestones must be epochs >= 0.", "milestones");
        Rejects(() => new MultiStepLr(o, [3], gamma: double.NaN), "Invalid gamma: NaN", "gamma");
        Rejects(() => new ExponentialLr(o, gamma: -0.9), "Invalid gamma: -0.9", "gamma");
        Rejects(() => new CosineAnnealingLr(o, tMax: 0), "Invalid T_max: 0; tMax must be >= 1.", "tMax");
        Rejects(() => new CosineAnnealingLr(o, tMax: 5, etaMin: -0.1), "Invalid eta_min: -0.1", "etaMin");
        Rejects(() => new LinearLr(o, startFactor: 0), "Starting multiplicative factor expected to be greater than 0 and less or equal to 1 (got 0).", "startFactor");
        Rejects(() => new LinearLr(o, startFactor: 1.5), "Starting multiplicative factor expected to be greater than 0 and less or equal to 1 (got 1.5).", "startFactor");
        Rejects(() => new LinearLr(o, endFactor: 1.2), "Ending multiplicative factor expected to be between 0 and 1 (got 1.2).", "endFactor");
        Rejects(() => new LinearLr(o, totalIters: 0), "Invalid totalIters: 0; it must be >= 1.", "totalIters");
        Assert.Throws<ArgumentNullException>(() => new StepLr(null!, 1));
        Assert.Throws<ArgumentNullException>(() => new MultiStepLr(o, null!));
    }

    [Fact]
    public void SequentialLrRejectsMismatchedSchedulersAndMilestones()
    {
        var o = Optimizer();
        var other = Optimizer();
        var a = new LinearLr(o);
        var b = new StepLr(o, 2);
        void Rejects(Action create, string start, string param)
        {
            var e = Assert.Throws<ArgumentException>(create);
            Assert.StartsWith(start, e.Message);
            Assert.Equal(param, e.ParamName);
        }
        Rejects(() => new SequentialLr(o, [a, new StepLr(other, 2)], [3]),
            "Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index 1 to be different than the optimizer passed in.", "schedulers");
        Rejects(() => new SequentialLr(o, [a, b], [3, 5]),
            "Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers 2 and the number of milestones to be equal to 2.", "milestones");
        Rejects(() => new SequentialLr(o, [a, b, new ExponentialLr(o, 0.9)], [5, 5]), "Invalid milestones [5, 5]: they must be epochs >= 1 in increasing order.", "milestones");
        Rejects(() => new SequentialLr(o, [a, b], [0]), "Invalid milestones [0]", "milestones");
        Rejects(() => new SequentialLr(o, [], []), "Sequential Schedulers expects at least one scheduler.", "schedulers");
    }
}
