namespace MiniTorch.Optim.Tests.Clipping;

public class GradClippingTests
{
    private static Tensor WithGrad(double[] grad)
    {
        var p = Tensor.Zeros([grad.Length], DType.Float64, requiresGrad: true);
        p.Grad = Tensor.FromArray(grad);
        return p;
    }

    [Fact]
    public void ClipGradNormScalesAllGradientsByOneCoefficient()
    {
        var a = WithGrad([3.0, 0.0]);
        var b = WithGrad([0.0, 4.0]);
        var total = GradClipping.ClipGradNorm([a, b], maxNorm: 1.0);
        Assert.Equal(5.0, total.Item());
        Assert.Equal(DType.Float64, total.DType);
        double coefficient = 1.0 / (5.0 + 1e-6);
        Assert.Equal(new[] { 3.0 * coefficient, 0.0 }, a.Grad!.ToDoubleArray());
        Assert.Equal(new[] { 0.0, 4.0 * coefficient }, b.Grad!.ToDoubleArray());
    }

    [Fact]
    public void OtherNormsCombineThePerGradientNorms()
    {
        Assert.Equal(7.0, GradClipping.ClipGradNorm([WithGrad([3.0, -1.0]), WithGrad([0.0, 3.0])], 100, normType: 1).Item());
        Assert.Equal(3.5, GradClipping.ClipGradNorm([WithGrad([3.0, -1.0]), WithGrad([0.0, -3.5])], 100, normType: double.PositiveInfinity).Item());
        Assert.Equal(Math.Pow(27 + 1 + 27, 1.0 / 3), GradClipping.ClipGradNorm([WithGrad([3.0, -1.0]), WithGrad([0.0, 3.0])], 100, normType: 3).Item(), 14);
    }

    [Fact]
    public void GradientsWithinTheLimitAreLeftAsTheyAre()
    {
        var a = WithGrad([0.3, -0.4]);
        Assert.Equal(0.5, GradClipping.ClipGradNorm([a], maxNorm: 1.0).Item(), 15);
        Assert.Equal(new[] { 0.3, -0.4 }, a.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ParametersWithoutGradientAreSkipped()
    {
        var frozen = Tensor.Zeros([2], DType.Float64, requiresGrad: true);
        var a = WithGrad([6.0, 8.0]);
        Assert.Equal(10.0, GradClipping.ClipGradNorm([frozen, a], maxNorm: 5).Item());
        Assert.Null(frozen.Grad);
        var none = GradClipping.ClipGradNorm([frozen], maxNorm: 5);
        Assert.Equal(0.0, none.Item());
        Assert.Equal(DType.Float32, none.DType);
        GradClipping.ClipGradValue([frozen], 1);
        Assert.Null(frozen.Grad);
    }

    [Fact]
    public void ANonFiniteNormThrowsOnRequestOrPoisonsTheGradients()
    {
        var e = Assert.Throws<InvalidOperationException>(() => GradClipping.ClipGradNorm([WithGrad([1.0, double.NaN])], 1.0, errorIfNonfinite: true));
        Assert.StartsWith("The total norm of order 2 for gradients from `parameters` is non-finite, so it cannot be clipped.", e.Message);
        Assert.Contains("errorIfNonfinite: false", e.Message);
        Assert.Contains("order Infinity", Assert.Throws<InvalidOperationException>(
            () => GradClipping.ClipGradNorm([WithGrad([double.PositiveInfinity])], 1.0, double.PositiveInfinity, errorIfNonfinite: true)).Message);
        var a = WithGrad([1.0, double.NaN]);
        var b = WithGrad([2.0]);
        Assert.True(double.IsNaN(GradClipping.ClipGradNorm([a, b], 1.0).Item()));
        Assert.True(double.IsNaN(b.Grad!.Item()));
        var c = WithGrad([1.0, double.PositiveInfinity]);
        Assert.True(double.IsPositiveInfinity(GradClipping.ClipGradNorm([c], 1.0).Item()));
        Assert.Equal(0.0, c.Grad!.ToDoubleArray()[0]);
    }

    [Fact]
    public void GradientsRecordedWithCreateGraphAreClippedDetached()
    {
        var p = Tensor.FromArray(new[] { 3.0, 4.0 }, requiresGrad: true);
        (p * p * 0.5).Sum().Backward(createGraph: true);
        Assert.NotNull(p.Grad!.GradFn);
        Assert.Equal(5.0, GradClipping.ClipGradNorm([p], maxNorm: 1).Item());
        Assert.Equal(1.0, p.Grad!.Norm().Item(), 5);
        GradClipping.ClipGradValue([p], 0.5);
        Assert.Equal(new[] { 0.5, 0.5 }, p.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ClipGradValueClampsEachElement()
    {
        var a = WithGrad([-2.0, -0.25, 0.0, 0.3, 5.0]);
        GradClipping.ClipGradValue([a], 0.5);
        Assert.Equal(new[] { -0.5, -0.25, 0.0, 0.3, 0.5 }, a.Grad!.ToDoubleArray());
    }

    [Fact]
    public void InvalidArgumentsAreRejectedWithTheValue()
    {
        var a = WithGrad([1.0]);
        var e1 = Assert.Throws<ArgumentException>(() => GradClipping.ClipGradNorm([a], -1));
        Assert.StartsWith("Invalid max_norm: -1; maxNorm must be a finite number >= 0.", e1.Message);
        Assert.Equal("maxNorm", e1.ParamName);
        var e2 = Assert.Throws<ArgumentException>(() => GradClipping.ClipGradNorm([a], 1, normType: 0));
        Assert.StartsWith("Invalid normType: 0; it must be > 0 (or PositiveInfinity).", e2.Message);
        Assert.Equal("normType", e2.ParamName);
        var e3 = Assert.Throws<ArgumentException>(() => GradClipping.ClipGradValue([a], -0.1));
        Assert.StartsWith("Invalid clip_value: -0.1; clipValue must be a finite number >= 0.", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => GradClipping.ClipGradValue([a, null!], 1));
        Assert.StartsWith("the parameter at index 1 is null.", e4.Message);
        Assert.Equal(new[] { 1.0 }, a.Grad!.ToDoubleArray());
        Assert.Throws<ArgumentNullException>(() => GradClipping.ClipGradNorm(null!, 1));
        Assert.Throws<ArgumentNullException>(() => GradClipping.ClipGradValue(null!, 1));
    }
}
