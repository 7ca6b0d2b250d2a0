namespace MiniTorch.Tests.Ops;

/// <summary>
/// The fused exact GELU against the composite it replaces, x·½·(1 + erf(x/√2)) in tensor ops: float32 values and
/// gradients bit for bit (serial and split over threads), float64 within an ulp, and its derivatives of first and
/// second order and its tangents by finite differences.
/// </summary>
public class GeluFusedTests
{
    private const double InvSqrt2 = 0.70710678118654752440084436210484903928483593768847;

    private static Tensor Composite(Tensor x) => x * 0.5 * ((x * InvSqrt2).Erf() + 1);

    private static Tensor Sample(int n, DType dtype, long seed)
    {
        // Wide enough that every branch of erf (|x/√2| up to and beyond 6) and ±0 occur.
        var x = Tensor.Randn([n], dtype, new Generator(seed)) * 3;
        using (Autograd.NoGrad())
        {
            x[0] = Tensor.Scalar(0.0, dtype);
            x[1] = Tensor.Scalar(-9.5, dtype);
            x[2] = Tensor.Scalar(12.0, dtype);
        }
        return x;
    }

    [Theory]
    [InlineData(1000)]      // serial, with a block tail
    [InlineData(200_003)]   // split over threads, odd length
    public void Float32ValuesAndGradientsAreTheCompositesBits(int n)
    {
        var x0 = Sample(n, DType.Float32, n);
        var g = Tensor.Randn([n], DType.Float32, new Generator(7));
        var xf = x0.Detach().SetRequiresGrad();
        var xc = x0.Detach().SetRequiresGrad();
        var yf = xf.GeluExact();
        var yc = Composite(xc);
        yf.Backward(g);
        yc.Backward(g);
        Assert.Equal(yc.ToFloatArray(), yf.ToFloatArray());
        Assert.Equal(xc.Grad!.ToFloatArray(), xf.Grad!.ToFloatArray());
        Assert.Equal("GeluBackward", yf.GradFn!.Name);
    }

    [Fact]
    public void Float64IsWithinAnUlpOfTheComposite()
    {
        var x0 = Sample(4099, DType.Float64, 3);
        var xf = x0.Detach().SetRequiresGrad();
        var xc = x0.Detach().SetRequiresGrad();
        xf.GeluExact().Sum().Backward();
        Composite(xc).Sum().Backward();
        AssertWithinUlps(Composite(x0).ToDoubleArray(), x0.GeluExact().ToDoubleArray(), 0);
        AssertWithinUlps(xc.Grad!.ToDoubleArray(), xf.Grad!.ToDoubleArray(), 1);
    }

    private static void AssertWithinUlps(double[] expected, double[] actual, double ulps)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = ulps * Math.Max(Math.BitIncrement(Math.Abs(expected[i])) - Math.Abs(expected[i]), double.Epsilon);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}]: {actual[i]:R}, composite {expected[i]:R}");
        }
    }

    [Fact]
    public void GradCheckAndGradGradCheck()
    {
        var x = Tensor.FromArray(new[] { -4.0, -2.0, -0.6, 0.0, 0.1, 0.9, 1.3, 2.2, 3.1, 5.0 }, [2, 5], requiresGrad: true);
        Assert.True(GradCheck.Check(t => t[0].GeluExact(), [x]));
        Assert.True(GradCheck.GradGradCheck(t => t[0].GeluExact(), [x]));
    }

    [Fact]
    public void ThirdOrderThroughTheFusedBackward()
    {
        // d/dx of the gradient function x ↦ gelu′(x)·g (created with a graph) checks GeluGrad's own backward twice.
        var x = Tensor.FromArray(new[] { -1.7, -0.2, 0.4, 1.9 }, requiresGrad: true);
        var g = Tensor.FromArray(new[] { 0.3, -1.1, 0.8, 0.5 }, requiresGrad: true);
        Func<Tensor[], Tensor> grad = t => Autograd.Grad([t[0].GeluExact()], [t[0]], [t[1]], createGraph: true)[0]!;
        Assert.True(GradCheck.Check(grad, [x, g]));
        Assert.True(GradCheck.GradGradCheck(grad, [x, g]));
    }

    [Fact]
    public void NonContiguousInput()
    {
        var x = Tensor.FromArray(new[] { -1.5, -0.5, 0.25, 0.5, 1.0, 2.5 }, [2, 3]).T.Detach().SetRequiresGrad();
        Assert.False(x.IsContiguous);
        Assert.Equal(Composite(x.Detach()).ToDoubleArray(), x.GeluExact().ToDoubleArray());
        Assert.True(GradCheck.Check(t => t[0].GeluExact(), [x]));
        Assert.True(GradCheck.GradGradCheck(t => t[0].GeluExact(), [x]));
    }

    [Fact]
    public void ForwardModeTangentsMatchFiniteDifferencesAndReverseMode()
    {
        var x = Tensor.FromArray(new[] { -2.5, -0.3, 0.0, 0.7, 1.6 }, requiresGrad: true);
        Assert.True(GradCheck.CheckForward(t => t[0].GeluExact(), [x]));
        Assert.True(GradCheck.CheckForwardReverseAgree(t => t[0].GeluExact(), [x]));
        // Forward over reverse: the tangent of the fused backward.
        var g = Tensor.FromArray(new[] { 1.0, -0.5, 2.0, 0.25, -1.0 }, requiresGrad: true);
        Func<Tensor[], Tensor> grad = t => Autograd.Grad([t[0].GeluExact()], [t[0]], [t[1]], createGraph: true)[0]!;
        Assert.True(GradCheck.CheckForward(grad, [x, g]));
    }
}
