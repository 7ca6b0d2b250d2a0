namespace MiniTorch.Tests.Ops;

public class ErfTests
{
    // Reference values from glibc's erf (Python's math.erf), one per branch of the piecewise approximation.
    public static TheoryData<double, double> Points => new()
    {
        { 0.0, 0.0 },
        { 1e-10, 1.1283791670955126e-10 },
        { -0.3, -0.3286267594591274 },
        { 0.5, 0.5204998778130465 },
        { 0.84375, 0.7672256612323416 },
        { 0.9, 0.7969082124228322 },
        { 1.0, 0.8427007929497149 },
        { 1.25, 0.9229001282564582 },
        { 1.5, 0.9661051464753108 },
        { 2.0, 0.9953222650189527 },
        { 2.857, 0.9999466417399131 },
        { 3.0, 0.9999779095030014 },
        { 4.5, 0.9999999998033839 },
        { 5.9, 0.9999999999999999 },
        { 6.5, 1.0 },
        { -2.5, -0.999593047982555 },
    };

    [Theory]
    [MemberData(nameof(Points))]
    public void MatchesGlibcToTheLastBits(double x, double expected)
    {
        double got = Tensor.Scalar(x, DType.Float64).Erf().Item();
        Assert.True(Math.Abs(got - expected) <= 2.3e-16 * Math.Abs(expected),
            $"erf({x:R}) = {got:R}, expected {expected:R}");
    }

    [Fact]
    public void SpecialValues()
    {
        var r = Tensor.FromArray(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0 }).Erf().ToDoubleArray();
        Assert.True(double.IsNaN(r[0]));
        Assert.Equal(1.0, r[1]);
        Assert.Equal(-1.0, r[2]);
        Assert.Equal(0.0, r[3]);
    }

    [Fact]
    public void Float32IsTheRoundedFloat64Result()
    {
        var x = Tensor.FromArray(new float[] { -1.7f, 0.2f, 2.9f });
        var got = x.Erf().ToFloatArray();
        var expected = x.To(DType.Float64).Erf().ToDoubleArray();
        Assert.Equal(DType.Float32, x.Erf().DType);
        for (int i = 0; i < got.Length; i++)
        {
            Assert.Equal((float)expected[i], got[i]);
        }
    }

    [Fact]
    public void GradientIsTwoOverSqrtPiTimesGaussian()
    {
        var x = Tensor.FromArray(new[] { -1.0, 0.0, 0.7 }, requiresGrad: true);
        x.Erf().Sum().Backward();
        var g = x.Grad!.ToDoubleArray();
        double[] xs = [-1.0, 0.0, 0.7];
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.Equal(2 / Math.Sqrt(Math.PI) * Math.Exp(-xs[i] * xs[i]), g[i], 15);
        }
        Assert.Equal("ErfBackward", x.Erf().GradFn!.Name);
    }

    [Fact]
    public void GradCheckAndGradGradCheck()
    {
        var x = Tensor.FromArray(new[] { -2.0, -0.6, 0.1, 0.9, 1.3, 3.1 }, [2, 3], requiresGrad: true);
        Assert.True(GradCheck.Check(t => t[0].Erf(), [x]));
        Assert.True(GradCheck.GradGradCheck(t => t[0].Erf(), [x]));
    }

    [Fact]
    public void NonContiguousInput()
    {
        var x = Tensor.FromArray(new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }, [2, 3]).T;
        var r = x.Erf();
        Assert.Equal([3, 2], r.Shape);
        Assert.Equal(Tensor.Scalar(0.4, DType.Float64).Erf().Item(), r.GetValue(0, 1));
        var leaf = x.Detach().SetRequiresGrad();
        Assert.True(GradCheck.Check(t => t[0].Erf(), [leaf]));
    }
}
