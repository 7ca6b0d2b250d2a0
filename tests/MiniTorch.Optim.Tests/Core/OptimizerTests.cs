namespace MiniTorch.Optim.Tests.Core;

/// <summary>What every optimizer shares: groups and their options, ZeroGrad, Step's grad mode and skipping rules.</summary>
public class OptimizerTests
{
    private static Tensor Param(params double[] values) => Tensor.FromArray(values, requiresGrad: true);

    [Fact]
    public void GroupsTakeMissingOptionsFromTheDefaults()
    {
        var backbone = Param(1, 2);
        var head = Param(3);
        var sgd = new Sgd([new ParamGroup([backbone]), new ParamGroup([head]) { Lr = 0.01, Momentum = 0.5 }], lr: 0.1, momentum: 0.9, weightDecay: 1e-4);
        Assert.Equal(2, sgd.ParamGroups.Count);
        Assert.Equal((0.1, 0.9, 1e-4), (sgd.ParamGroups[0].Lr, sgd.ParamGroups[0].Momentum, sgd.ParamGroups[0].WeightDecay));
        Assert.Equal((0.01, 0.5, 1e-4), (sgd.ParamGroups[1].Lr, sgd.ParamGroups[1].Momentum, sgd.ParamGroups[1].WeightDecay));
        Assert.Equal(["Lr", "Momentum", "Dampening", "WeightDecay", "Nesterov", "Maximize"], sgd.Defaults.Keys);
        Assert.Same(head, sgd.ParamGroups[1].Params[0]);
    }

    [Fact]
    public void EachGroupStepsWithItsOwnLearningRate()
    {
        var backbone = Param(1.0);
        var head = Param(1.0);
        var sgd = new Sgd([new ParamGroup([backbone]), new ParamGroup([head]) { Lr = 0.5 }], lr: 0.1);
        backbone.Grad = Tensor.FromArray(new[] { 1.0 });
        head.Grad = Tensor.FromArray(new[] { 1.0 });
        sgd.Step();
        Assert.Equal(0.9, backbone.Item());
        Assert.Equal(0.5, head.Item());
    }

    [Fact]
    public void TheOptimizerKeepsItsOwnCopyOfAGroup()
    {
        var userGroup = new ParamGroup([Param(1)]) { Lr = 0.5 };
        var sgd = new Sgd([userGroup], lr: 0.1);
        userGroup.Lr = 7;
        Assert.Equal(0.5, sgd.ParamGroups[0].Lr);
        Assert.False(userGroup.HasOption("Momentum"));
    }

    [Fact]
    public void AddParamGroupAddsParametersForLaterSteps()
    {
        var a = Param(1.0);
        var b = Param(1.0);
        var adam = new Adam([a], lr: 0.1);
        adam.AddParamGroup(new ParamGroup([b]) { Lr = 0.2 });
        Assert.Equal(0.2, adam.ParamGroups[1].Lr);
        Assert.Equal(0.9, adam.ParamGroups[1].Betas.Beta1);
        b.Grad = Tensor.FromArray(new[] { 3.0 });
        adam.Step();
        Assert.Equal(1.0 - 0.2, b.Item(), 6);
        Assert.Equal(1.0, a.Item());
    }

    [Fact]
    public void BadGroupsAreRejectedWithTheReason()
    {
        var p = Param(1);
        var q = Param(2);
        var sgd = new Sgd([p], lr: 0.1);
        Assert.StartsWith("optimizer got an empty parameter list: the parameter group holds no tensors.",
            Assert.Throws<ArgumentException>(() => sgd.AddParamGroup(new ParamGroup([]))).Message);
        Assert.StartsWith("optimizer got an empty parameter list: pass at least one parameter group.",
            Assert.Throws<ArgumentException>(() => new Sgd(Array.Empty<ParamGroup>(), lr: 0.1)).Message);
        Assert.StartsWith("optimizer can only optimize Tensors, but the parameter at index 1 of the group is null.",
            Assert.Throws<ArgumentException>(() => sgd.AddParamGroup(new ParamGroup([q, null!]))).Message);
        Assert.StartsWith("can't optimize a non-leaf Tensor: the parameter at index 0 of the group was computed by MulBackward.",
            Assert.Throws<ArgumentException>(() => sgd.AddParamGroup(new ParamGroup([q * 2]))).Message);
        Assert.StartsWith("optimizer contains a parameter group with duplicate parameters: index 1 repeats index 0.",
            Assert.Throws<ArgumentException>(() => sgd.AddParamGroup(new ParamGroup([q, q]))).Message);
        Assert.StartsWith("some parameters appear in more than one parameter group.",
            Assert.Throws<ArgumentException>(() => sgd.AddParamGroup(new ParamGroup([q, p]))).Message);
        Assert.StartsWith("the parameter group sets 'Momentun', which is not an option of Sgd (options: Lr, Momentum, Dampening, WeightDecay, Nesterov, Maximize).",
            Assert.Throws<ArgumentException>(() => sgd.AddParamGroup(new ParamGroup([q]) { ["Momentun"] = 0.9 })).Message);
        Assert.StartsWith("Invalid learning rate: -1",
            Assert.Throws<ArgumentException>(() => sgd.AddParamGroup(new ParamGroup([q]) { Lr = -1 })).Message);
        Assert.Single(sgd.ParamGroups);
        Assert.Throws<ArgumentNullException>(() => sgd.AddParamGroup(null!));
        Assert.Throws<ArgumentNullException>(() => new Sgd((IEnumerable<Tensor>)null!, lr: 0.1));
        Assert.Throws<ArgumentNullException>(() => new Sgd((IEnumerable<ParamGroup>)null!, lr: 0.1));
    }

    [Fact]
    public void AnInvalidDefaultFailsEvenIfEveryGroupOverridesIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sgd([new ParamGroup([Param(1)]) { Lr = 0.1 }], lr: -5));
        Assert.StartsWith("Invalid learning rate: -5", e.Message);
    }

    [Fact]
    public void ZeroGradSetsGradientsToNullByDefault()
    {
        var p = Param(1, 2);
        var sgd = new Sgd([p], lr: 0.1);
        (p * p).Sum().Backward();
        sgd.ZeroGrad();
        Assert.Null(p.Grad);
    }

    [Fact]
    public void ZeroGradWithoutSetToNullZeroesTheSameTensor()
    {
        var p = Param(1, 2);
        var sgd = new Sgd([p], lr: 0.1);
        (p * p).Sum().Backward();
        var grad = p.Grad!;
        sgd.ZeroGrad(setToNull: false);
        Assert.Same(grad, p.Grad);
        Assert.Equal(new[] { 0.0, 0.0 }, grad.ToDoubleArray());
    }

    [Fact]
    public void ZeroGradDetachesAGradientRecordedWithCreateGraph()
    {
        var p = Param(1, 2);
        var sgd = new Sgd([p], lr: 0.1);
        (p * p * p).Sum().Backward(createGraph: true);
        Assert.NotNull(p.Grad!.GradFn);
        sgd.ZeroGrad(setToNull: false);
        Assert.Null(p.Grad!.GradFn);
        Assert.False(p.Grad.RequiresGrad);
        Assert.Equal(new[] { 0.0, 0.0 }, p.Grad.ToDoubleArray());
    }

    [Fact]
    public void StepRunsUnderNoGradAndLeavesParametersLeaves()
    {
        var p = Param(1, 2);
        var sgd = new Sgd([p], lr: 0.5, momentum: 0.9);
        (p * p).Sum().Backward();
        sgd.Step();
        Assert.True(p.IsLeaf);
        Assert.True(p.RequiresGrad);
        Assert.True(Autograd.IsGradEnabled);
        Assert.Equal(new[] { 0.0, 0.0 }, p.ToDoubleArray());
    }

    [Fact]
    public void StepEvaluatesTheClosureWithGradEnabledAndReturnsItsLoss()
    {
        var p = Param(3.0);
        var sgd = new Sgd([p], lr: 0.25);
        Tensor? loss;
        using (Autograd.NoGrad())
        {
            loss = sgd.Step(() =>
            {
                sgd.ZeroGrad();
                var l = (p * p).Sum();
                l.Backward();
                return l;
            });
        }
        Assert.Equal(9.0, loss!.Item());
        Assert.Equal(3.0 - 0.25 * 6.0, p.Item());
        Assert.Null(sgd.Step());
    }

    [Fact]
    public void ParametersWithoutGradientAreSkippedAndGetNoState()
    {
        foreach (var make in new Func<Tensor[], Optimizer>[]
        {
            ps => new Sgd(ps, lr: 0.1, momentum: 0.9),
            ps => new Adam(ps, amsgrad: true),
            ps => new AdamW(ps),
            ps => new RmsProp(ps, momentum: 0.5, centered: true),
        })
        {
            var used = Param(1, 2);
            var frozen = Param(3, 4);
            var optimizer = make([used, frozen]);
            used.Grad = Tensor.FromArray(new[] { 0.5, -0.5 });
            optimizer.Step();
            optimizer.Step();
            Assert.Equal(new[] { 3.0, 4.0 }, frozen.ToDoubleArray());
            Assert.Null(optimizer.GetState(frozen));
            Assert.NotNull(optimizer.GetState(used));
            Assert.NotEqual(new[] { 1.0, 2.0 }, used.ToDoubleArray());
        }
    }

    [Fact]
    public void StepLeavesTheGradientUnchanged()
    {
        var p = Param(1, -2);
        var grad = Tensor.FromArray(new[] { 0.5, 0.25 });
        p.Grad = grad;
        new Sgd([p], lr: 0.1, momentum: 0.9, weightDecay: 0.5, nesterov: true, maximize: true).Step();
        new Adam([p], weightDecay: 0.5, maximize: true).Step();
        new AdamW([p], maximize: true).Step();
        new RmsProp([p], weightDecay: 0.5, maximize: true, centered: true, momentum: 0.2).Step();
        Assert.Same(grad, p.Grad);
        Assert.Equal(new[] { 0.5, 0.25 }, grad.ToDoubleArray());
    }

    [Fact]
    public void AnOptionSetToAnInvalidValueLaterFailsTheStepBeforeAnyUpdate()
    {
        var a = Param(1.0);
        var b = Param(1.0);
        var sgd = new Sgd([new ParamGroup([a]), new ParamGroup([b])], lr: 0.1);
        a.Grad = Tensor.FromArray(new[] { 1.0 });
        b.Grad = Tensor.FromArray(new[] { 1.0 });
        sgd.ParamGroups[1].Momentum = -0.9;
        var e = Assert.Throws<ArgumentException>(() => sgd.Step());
        Assert.StartsWith("Invalid momentum value: -0.9", e.Message);
        Assert.Equal(1.0, a.Item());
    }

    [Fact]
    public void NonContiguousParametersAreUpdatedLikeContiguousOnes()
    {
        foreach (var make in new Func<Tensor, Optimizer>[]
        {
            p => new Sgd([p], lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1),
            p => new Adam([p], lr: 0.1, amsgrad: true, weightDecay: 0.1),
            p => new AdamW([p], lr: 0.1),
            p => new RmsProp([p], lr: 0.1, centered: true, momentum: 0.5),
        })
        {
            var values = new float[] { 1, -2, 3, -4, 5, -6 };
            var contiguous = Tensor.FromArray(values, [2, 3]).SetRequiresGrad();
            // The same logical [2, 3] values, stored transposed: a leaf whose strides are (1, 2).
            var strided = Tensor.FromArray(values, [2, 3]).T.Contiguous().T.SetRequiresGrad();
            Assert.False(strided.IsContiguous);
            var o1 = make(contiguous);
            var o2 = make(strided);
            for (int t = 0; t < 3; t++)
            {
                contiguous.Grad = Tensor.FromArray(new float[] { 0.5f, 1, -1, t, 2, -0.25f }, [2, 3]);
                strided.Grad = Tensor.FromArray(new float[] { 0.5f, 1, -1, t, 2, -0.25f }, [2, 3]);
                o1.Step();
                o2.Step();
            }
            Assert.Equal(contiguous.ToFloatArray(), strided.ToFloatArray());
        }
    }
}
