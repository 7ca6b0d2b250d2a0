namespace MiniTorch.Tests.Engine;

public class FunctionTests
{
    private sealed class Cube : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0].Pow(3);
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var x = ctx.SavedTensors[0];
            return [gradOutput * 3 * x * x];
        }
    }

    private sealed class ScaledAdd : Function
    {
        public override string Name => "ScaledAdd";

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.Set("alpha", 2.5);
            return inputs[0] + inputs[1] * 2.5;
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            double alpha = ctx.Get<double>("alpha");
            return [ctx.NeedsInputGrad(0) ? gradOutput : null, ctx.NeedsInputGrad(1) ? gradOutput * alpha : null];
        }
    }

    private sealed class WrongShape : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * 2;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [Tensor.Ones([5], gradOutput.DType)];
    }

    private sealed class TooManyGrads : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * 2;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput, gradOutput];
    }

    private sealed class Identity : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0];

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput];
    }

    [Fact]
    public void CustomFunctionPassesGradCheckAndGradGradCheck()
    {
        var x = Tensor.Randn([3, 2], DType.Float64, new Generator(1), requiresGrad: true);
        Assert.True(GradCheck.Check(t => new Cube().Apply(t[0]), [x]));
        Assert.True(GradCheck.GradGradCheck(t => new Cube().Apply(t[0]), [x]));
        Assert.Equal("CubeBackward", new Cube().Apply(x).GradFn!.Name);
    }

    [Fact]
    public void ContextCarriesStateAndNeedsInputGrad()
    {
        var a = Tensor.Ones([2], DType.Float64, requiresGrad: true);
        var b = Tensor.Ones([2], DType.Float64);
        var y = new ScaledAdd().Apply(a, b);
        Assert.Equal(new[] { 3.5, 3.5 }, y.ToDoubleArray());
        y.Sum().Backward();
        Assert.Equal(new[] { 1.0, 1.0 }, a.Grad!.ToDoubleArray());
        var b2 = Tensor.Ones([2], DType.Float64, requiresGrad: true);
        new ScaledAdd().Apply(a, b2).Sum().Backward();
        Assert.Equal(new[] { 2.5, 2.5 }, b2.Grad!.ToDoubleArray());
    }

    [Fact]
    public void WrongGradientShapeNamesFunctionAndShapes()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        var e = Assert.Throws<AutogradException>(() => new WrongShape().Apply(x).Sum().Backward());
        Assert.Contains("WrongShapeBackward", e.Message);
        Assert.Contains("[5]", e.Message);
        Assert.Contains("[2]", e.Message);
    }

    [Fact]
    public void WrongNumberOfGradientsIsRejected()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        var e = Assert.Throws<AutogradException>(() => new TooManyGrads().Apply(x).Sum().Backward());
        Assert.Contains("incorrect number of gradients (expected 1, got 2)", e.Message);
    }

    [Fact]
    public void ReturningAnInputDoesNotRewriteItsHistory()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        var y = new Identity().Apply(x);
        Assert.True(x.IsLeaf);
        Assert.False(y.IsLeaf);
        y.Sum().Backward();
        Assert.Equal(new float[] { 1, 1 }, x.Grad!.ToFloatArray());
    }

    [Fact]
    public void UnderNoGradNoNodeIsRecorded()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        using (Autograd.NoGrad())
        {
            var y = new Cube().Apply(x);
            Assert.Null(y.GradFn);
            Assert.False(y.RequiresGrad);
        }
    }

    [Fact]
    public void SavedTensorsAreFreedAfterBackward()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        var y = new Cube().Apply(x).Sum();
        y.Backward();
        var e = Assert.Throws<AutogradException>(() => y.Backward());
        Assert.Contains("CubeBackward", e.Message);
    }
}
