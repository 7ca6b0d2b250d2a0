namespace MiniTorch.Optim.Tests.Core;

/// <summary>StateDict/LoadStateDict: training resumes bit-exactly, snapshots are independent, bad snapshots are rejected.</summary>
public class OptimizerStateDictTests
{
    public static TheoryData<string> Optimizers => ["Sgd", "Adam", "AdamW", "RmsProp"];

    /// <summary>Two groups (the second with its own lr), rich options; <paramref name="lr"/> scales every lr so a mismatch shows.</summary>
    private static Optimizer Create(string kind, Tensor[] p, double lr = 1)
    {
        ParamGroup[] groups = [new ParamGroup([p[0], p[1]]), new ParamGroup([p[2]]) { Lr = 0.02 * lr }];
        return kind switch
        {
            "Sgd" => new Sgd(groups, lr: 0.05 * lr, momentum: 0.9, dampening: 0.1, weightDecay: 0.01),
            "Adam" => new Adam(groups, lr: 0.03 * lr, amsgrad: true, weightDecay: 0.01),
            "AdamW" => new AdamW(groups, lr: 0.03 * lr, betas: (0.8, 0.9)),
            _ => new RmsProp(groups, lr: 0.01 * lr, momentum: 0.5, centered: true),
        };
    }

    private static Tensor[] Parameters(DType dtype = DType.Float32) =>
    [
        Tensor.Randn([3, 4], dtype, new Generator(1)).SetRequiresGrad(),
        Tensor.Randn([4], dtype, new Generator(2)).SetRequiresGrad(),
        Tensor.Randn([2, 2], dtype, new Generator(3)).SetRequiresGrad(),
    ];

    private static Tensor[] CopyOf(Tensor[] ps) => [.. ps.Select(p => p.Detach().Clone().SetRequiresGrad())];

    /// <summary>One training step on a fixed nonlinear loss; the second parameter gets no gradient on some steps.</summary>
    private static void TrainStep(Optimizer optimizer, Tensor[] p, int step)
    {
        optimizer.ZeroGrad();
        var loss = (p[0].Sin() * p[0]).Sum() + (p[1] * p[1] * 0.5).Sum() + (p[2] - 1).Pow(2).Sum();
        if (step % 3 == 1)
        {
            loss = (p[0].Sin() * p[0]).Sum() + (p[2] - 1).Pow(2).Sum();
        }
        loss.Backward();
        optimizer.Step();
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void TrainingResumesBitExactlyInAFreshOptimizer(string kind)
    {
        const int before = 5;
        const int after = 6;
        var reference = Parameters();
        var uninterrupted = Create(kind, reference);
        var resumed = Parameters();
        var first = Create(kind, resumed);
        for (int t = 0; t < before + after; t++)
        {
            TrainStep(uninterrupted, reference, t);
            if (t < before)
            {
                TrainStep(first, resumed, t);
            }
        }

        var saved = first.StateDict();
        var restored = CopyOf(resumed);
        // Built with other learning rates: the loaded state dict must bring back the saved ones.
        var second = Create(kind, restored, lr: 10);
        second.LoadStateDict(saved);
        Assert.Equal(first.ParamGroups[1].Lr, second.ParamGroups[1].Lr);
        for (int t = before; t < before + after; t++)
        {
            TrainStep(second, restored, t);
        }
        for (int i = 0; i < reference.Length; i++)
        {
            Assert.Equal(reference[i].ToFloatArray(), restored[i].ToFloatArray());
        }
    }

    [Fact]
    public void TheSnapshotIdentifiesParametersByPositionAndCopiesTheirState()
    {
        var p = Parameters();
        var adam = Create("Adam", p);
        TrainStep(adam, p, 0);
        TrainStep(adam, p, 1);   // p[1] has no gradient on this step
        var saved = adam.StateDict();
        Assert.Equal("Adam", saved.Optimizer);
        Assert.Equal([0, 1], saved.ParamGroups[0].Params);
        Assert.Equal([2], saved.ParamGroups[1].Params);
        Assert.Equal(0.02, saved.ParamGroups[1].Options["Lr"]);
        Assert.Equal([0, 1, 2], saved.State.Keys.Order());
        Assert.Equal(2, saved.State[0].Step);
        Assert.Equal(1, saved.State[1].Step);
        var expAvg = saved.State[0][BufferNames.ExpAvg].ToFloatArray();
        TrainStep(adam, p, 2);
        adam.ParamGroups[1].Lr = 5;
        Assert.Equal(expAvg, saved.State[0][BufferNames.ExpAvg].ToFloatArray());
        Assert.Equal(2, saved.State[0].Step);
        Assert.Equal(0.02, saved.ParamGroups[1].Options["Lr"]);
        Assert.NotEqual(expAvg, adam.GetState(p[0])![BufferNames.ExpAvg].ToFloatArray());
    }

    [Fact]
    public void ParametersThatNeverHadAGradientHaveNoStateInTheSnapshot()
    {
        var p = Parameters();
        var sgd = Create("Sgd", p);
        p[0].Grad = Tensor.OnesLike(p[0]);
        sgd.Step();
        var saved = sgd.StateDict();
        Assert.Equal([0], saved.State.Keys);
        var q = CopyOf(p);
        var other = Create("Sgd", q);
        other.LoadStateDict(saved);
        Assert.NotNull(other.GetState(q[0]));
        Assert.Null(other.GetState(q[1]));
    }

    [Fact]
    public void LoadingCopiesSoOneSnapshotCanSeedTwoOptimizers()
    {
        var p = Parameters();
        var sgd = Create("Sgd", p);
        TrainStep(sgd, p, 0);
        var saved = sgd.StateDict();
        var q = CopyOf(p);
        var r = CopyOf(p);
        var a = Create("Sgd", q);
        var b = Create("Sgd", r);
        a.LoadStateDict(saved);
        b.LoadStateDict(saved);
        TrainStep(a, q, 1);
        Assert.NotSame(a.GetState(q[0])![BufferNames.MomentumBuffer], saved.State[0][BufferNames.MomentumBuffer]);
        TrainStep(b, r, 1);
        Assert.Equal(q[0].ToFloatArray(), r[0].ToFloatArray());
    }

    [Fact]
    public void StateIsConvertedToTheParametersDType()
    {
        var p = Parameters(DType.Float64);
        var adam = Create("Adam", p);
        TrainStep(adam, p, 0);
        var q = Parameters(DType.Float32);
        var other = Create("Adam", q);
        other.LoadStateDict(adam.StateDict());
        Assert.Equal(DType.Float32, other.GetState(q[0])![BufferNames.ExpAvg].DType);
        TrainStep(other, q, 1);
        Assert.Equal(DType.Float32, q[0].DType);
    }

    [Fact]
    public void SnapshotsThatDoNotFitAreRejectedAndChangeNothing()
    {
        var p = Parameters();
        var adam = Create("Adam", p);
        TrainStep(adam, p, 0);
        var good = adam.StateDict();
        var q = CopyOf(p);
        var target = Create("Adam", q);
        TrainStep(target, q, 0);
        var before = target.StateDict();

        void Rejects(OptimizerStateDict bad, string message)
        {
            var e = Assert.Throws<ArgumentException>(() => target.LoadStateDict(bad));
            Assert.StartsWith(message, e.Message);
            Assert.Equal("stateDict", e.ParamName);
            Assert.Equal(before.ParamGroups[1].Options["Lr"], target.ParamGroups[1].Lr);
            Assert.Equal(before.State[0][BufferNames.ExpAvg].ToFloatArray(), target.GetState(q[0])![BufferNames.ExpAvg].ToFloatArray());
        }

        var sgd = Create("Sgd", CopyOf(p));
        Rejects(sgd.StateDict(), "LoadStateDict: the state dict was saved by a Sgd optimizer, but this optimizer is a Adam.");
        Rejects(new OptimizerStateDict("Adam", good.State, [good.ParamGroups[0]]),
            "LoadStateDict: loaded state dict has a different number of parameter groups (1) than this optimizer (2).");
        Rejects(new OptimizerStateDict("Adam", good.State, [new ParamGroupState(good.ParamGroups[0].Options, [0]), good.ParamGroups[1]]),
            "LoadStateDict: loaded state dict contains a parameter group that doesn't match the size of optimizer's group: group 0 has 1 parameters in the state dict and 2 here.");
        Rejects(new OptimizerStateDict("Adam", good.State, [new ParamGroupState(good.ParamGroups[0].Options, [0, 2]), good.ParamGroups[1]]),
            "LoadStateDict: parameter position 2 is listed twice in the state dict's parameter groups.");
        Rejects(new OptimizerStateDict("Adam", new Dictionary<int, ParamState>(good.State) { [7] = new ParamState() }, good.ParamGroups),
            "LoadStateDict: the state dict has state for parameter position 7, which none of its parameter groups lists.");
        var wrongShape = new ParamState { Step = 1 };
        wrongShape.SetBuffer(BufferNames.ExpAvg, Tensor.Zeros(5));
        Rejects(new OptimizerStateDict("Adam", new Dictionary<int, ParamState>(good.State) { [1] = wrongShape }, good.ParamGroups),
            "LoadStateDict: buffer 'ExpAvg' of parameter 1 has shape [5], but the parameter has shape [4].");
        Rejects(new OptimizerStateDict("Adam", new Dictionary<int, ParamState>(good.State) { [1] = new ParamState { Step = -1 } }, good.ParamGroups),
            "LoadStateDict: the state of parameter 1 has a negative step count (-1).");
        var badOptions = new Dictionary<string, double>(good.ParamGroups[1].Options) { ["Beta1"] = 1.5 };
        var e = Assert.Throws<ArgumentException>(() => target.LoadStateDict(new OptimizerStateDict("Adam", good.State, [good.ParamGroups[0], new ParamGroupState(badOptions, [2])])));
        Assert.StartsWith("Invalid beta parameter at index 0: 1.5", e.Message);
        Assert.Throws<ArgumentNullException>(() => target.LoadStateDict(null!));
    }

    [Fact]
    public void OptionsMissingFromASnapshotTakeTheDefaults()
    {
        var p = Parameters();
        var sgd = Create("Sgd", p);
        var saved = sgd.StateDict();
        var onlyLr = new OptimizerStateDict("Sgd", saved.State, [.. saved.ParamGroups.Select(g => new ParamGroupState(new Dictionary<string, double> { ["Lr"] = 0.3 }, g.Params))]);
        sgd.LoadStateDict(onlyLr);
        Assert.Equal(0.3, sgd.ParamGroups[1].Lr);
        Assert.Equal(0.9, sgd.ParamGroups[1].Momentum);
    }
}
