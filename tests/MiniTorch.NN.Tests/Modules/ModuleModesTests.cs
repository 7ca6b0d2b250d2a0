namespace MiniTorch.NN.Tests.Modules;

public class ModuleModesTests
{
    [Fact]
    public void TrainAndEvalAreRecursive()
    {
        var net = new ModuleTests.Net();
        Assert.All(net.Modules(), m => Assert.True(m.IsTraining));
        Assert.Same(net, net.Eval());
        Assert.All(net.Modules(), m => Assert.False(m.IsTraining));
        net.Backbone.Train();
        Assert.False(net.IsTraining);
        Assert.True(net.Backbone[2].IsTraining);
    }

    [Fact]
    public void RequiresGradFreezeAndUnfreezeAreRecursive()
    {
        var net = new ModuleTests.Net();
        net.Backbone.RequiresGrad(false);
        Assert.All(net.Backbone.Parameters(), p => Assert.False(p.RequiresGrad));
        Assert.True(net.Head.Weight.RequiresGrad);
        net.Backbone.RequiresGrad(true).Freeze();
        Assert.All(net.Backbone.Parameters(), p => Assert.False(p.RequiresGrad));
        Assert.All(net.Backbone.Modules(), m => Assert.True(m.IsFrozen));
        Assert.False(net.IsFrozen);
        // Training a frozen backbone: only the head gets gradients.
        net.Call(Tensor.Randn([4, 4], generator: new Generator(1))).Sum().Backward();
        Assert.All(net.Backbone.Parameters(), p => Assert.Null(p.Grad));
        Assert.NotNull(net.Head.Weight.Grad);
        net.Backbone.Unfreeze();
        Assert.All(net.Backbone.Parameters(), p => Assert.True(p.RequiresGrad));
        Assert.All(net.Backbone.Modules(), m => Assert.False(m.IsFrozen));
    }

    [Fact]
    public void ZeroGradSetsToNullOrZeroes()
    {
        var net = new ModuleTests.Net();
        net.Call(Tensor.Randn([4, 4], generator: new Generator(1))).Sum().Backward();
        var grad = net.Head.Weight.Grad!;
        net.ZeroGrad(setToNone: false);
        Assert.Same(grad, net.Head.Weight.Grad);
        Assert.All(grad.ToFloatArray(), v => Assert.Equal(0f, v));
        net.ZeroGrad();
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
        net.ZeroGrad(setToNone: false); // no gradients: nothing to do, no error
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void ApplyVisitsChildrenBeforeParents()
    {
        var net = new ModuleTests.Net();
        var visited = new List<string>();
        net.Apply(m => visited.Add(m.GetType().Name));
        Assert.Equal(["Linear", "Relu", "BatchNorm1d", "Sequential", "Linear", "Net"], visited);
        net.Apply(m =>
        {
            if (m is Linear l)
            {
                Init.ConstantInPlace(l.Weight, 0.5);
            }
        });
        Assert.All(net.Head.Weight.ToFloatArray(), v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void ToConvertsParametersBuffersAndGradientsKeepingTies()
    {
        var net = new ModuleTests.Net(new Generator(3));
        var tiedA = new Linear(8, 8);
        var x = Tensor.Randn([2, 4], generator: new Generator(4));
        net.Call(x).Sum().Backward();
        var before = net.Eval().Call(x).ToDoubleArray();
        var requiresGrad = net.Parameters().Select(p => p.RequiresGrad).ToArray();
        net.Head.Weight.RequiresGrad = false;
        Assert.Same(net, net.To(DType.Float64));
        Assert.All(net.Parameters(), p => Assert.Equal(DType.Float64, p.DType));
        // PyTorch's module.to(dtype) casts floating tensors only: BatchNorm's count stays Int64.
        Assert.All(net.Buffers(), b => Assert.Equal(b.DType == DType.Int64 ? DType.Int64 : DType.Float64, b.DType));
        Assert.Contains(net.Buffers(), b => b.DType == DType.Int64);
        Assert.Contains(net.Buffers(), b => b.DType == DType.Float64);
        Assert.All(net.Parameters(), p => Assert.Equal(DType.Float64, p.Grad!.DType));
        Assert.False(net.Head.Weight.RequiresGrad);
        Assert.True(net.Head.Bias!.RequiresGrad);
        var after = net.Eval().Call(x.To(DType.Float64)).ToDoubleArray();
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i], after[i], 5);
        }
        var tied = new Sequential(tiedA, new Linear(8, 8));
        ((Linear)tied[1]).SetParameter("weight", tiedA.Weight);
        tied.To(DType.Float64);
        Assert.Same(((Linear)tied[0]).Weight, ((Linear)tied[1]).Weight);
        Assert.Equal(requiresGrad.Length, net.Parameters().Count);
    }

    [Fact]
    public void ToRefusesANonFloatingDType()
    {
        var e = Assert.Throws<ArgumentException>(() => new Linear(2, 2).To(DType.Int64));
        Assert.Contains("nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64", e.Message);
    }
}
