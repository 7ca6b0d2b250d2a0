namespace MiniTorch.Tests.Testing;

public class GradCheckTests
{
    private sealed class BadSine : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0].Sin();
        }

        // Deliberately wrong: the derivative of sin is cos, not sin.
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * ctx.SavedTensors[0].Sin()];
    }

    private sealed class FirstOrderOnly : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0].Pow(3);
        }

        // Right values, but computed from detached data: no graph, so the second derivative is wrong (0).
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * 3 * ctx.SavedTensors[0].Detach().Pow(2)];
    }

    [Fact]
    public void MismatchNamesInputIndexExpectedAndGot()
    {
        var x = Tensor.FromArray(new[] { 0.5, 1.0, 2.0 }, requiresGrad: true);
        var e = Assert.Throws<GradCheckException>(() => GradCheck.Check(t => new BadSine().Apply(t[0]), [x]));
        Assert.Contains("with respect to input 0", e.Message);
        Assert.Contains("at input index [0]", e.Message);
        Assert.Contains($"expected (numerical) {Math.Cos(0.5):R}".Substring(0, 30), e.Message);
        Assert.Contains("got (analytical)", e.Message);
        Assert.False(GradCheck.Check(t => new BadSine().Apply(t[0]), [x], raiseException: false));
    }

    [Fact]
    public void GradGradCheckCatchesABackwardThatIsNotDifferentiable()
    {
        var x = Tensor.FromArray(new[] { 0.5, 1.5 }, requiresGrad: true);
        Assert.True(GradCheck.Check(t => new FirstOrderOnly().Apply(t[0]), [x]));
        Assert.Throws<GradCheckException>(() => GradCheck.GradGradCheck(t => new FirstOrderOnly().Apply(t[0]), [x]));
    }

    [Fact]
    public void Float32InputsAreRejected()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        var e = Assert.Throws<ArgumentException>(() => GradCheck.Check(t => t[0] * 2, [x]));
        Assert.Contains("Float64", e.Message);
    }

    [Fact]
    public void ExpandedInputsAreRejected()
    {
        var x = Tensor.Ones([1], DType.Float64).Expand(3);
        x = x.Detach().SetRequiresGrad();
        var e = Assert.Throws<ArgumentException>(() => GradCheck.Check(t => t[0] * 2, [x]));
        Assert.Contains("stride 0", e.Message);
    }

    [Fact]
    public void NonContiguousLeafViewsAreChecked()
    {
        var baseTensor = Tensor.Randn([4, 3], DType.Float64, new Generator(3));
        var view = baseTensor.T.Detach().SetRequiresGrad();
        Assert.False(view.IsContiguous);
        Assert.True(GradCheck.Check(t => (t[0] * t[0]).Sum(1), [view]));
    }
}
