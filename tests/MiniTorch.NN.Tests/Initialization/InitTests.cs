namespace MiniTorch.NN.Tests.Initialization;

public class InitTests
{
    private static (double Mean, double Std, double Min, double Max) Stats(Tensor t)
    {
        var v = t.ToDoubleArray();
        double mean = v.Average();
        double std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);
        return (mean, std, v.Min(), v.Max());
    }

    /// <summary>Within 2%: the sampling error of a standard deviation from 60,000 draws is about 0.3%.</summary>
    private static void Near(double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= 0.02 * expected, $"expected {expected} within 2%, got {actual}");

    [Fact]
    public void GainsAndFansFollowPyTorch()
    {
        Assert.Equal(1, Init.CalculateGain(Nonlinearity.Linear));
        Assert.Equal(5.0 / 3, Init.CalculateGain(Nonlinearity.Tanh));
        Assert.Equal(Math.Sqrt(2), Init.CalculateGain(Nonlinearity.Relu));
        Assert.Equal(Math.Sqrt(2 / 1.0001), Init.CalculateGain(Nonlinearity.LeakyRelu), 15);
        Assert.Equal(Math.Sqrt(2 / 6.0), Init.CalculateGain(Nonlinearity.LeakyRelu, Math.Sqrt(5)), 15);
        Assert.Equal(0.75, Init.CalculateGain(Nonlinearity.Selu));
        Assert.Equal((3 * 5 * 7, 4 * 5 * 7), Init.CalculateFanInAndFanOut(Tensor.Zeros(4, 3, 5, 7)));
        var e = Assert.Throws<ArgumentException>(() => Init.CalculateFanInAndFanOut(Tensor.Zeros(5)));
        Assert.Contains("fewer than 2 dimensions (shape [5])", e.Message);
    }

    [Fact]
    public void DistributionsHaveTheDocumentedBoundsAndSpread()
    {
        var g = new Generator(7);
        var w = Tensor.Zeros(200, 300);
        // Xavier: bound = √(6 / (fan_in + fan_out)); std of U(−a, a) is a/√3.
        double xavier = Math.Sqrt(6.0 / 500);
        var s = Stats(Init.XavierUniformInPlace(w, generator: g));
        Assert.InRange(s.Min, -xavier, -0.99 * xavier);
        Assert.InRange(s.Max, 0.99 * xavier, xavier);
        Near(xavier / Math.Sqrt(3), s.Std);
        Near(Math.Sqrt(2.0 / 500) * 2, Stats(Init.XavierNormalInPlace(w, gain: 2, generator: g)).Std);
        // Kaiming (ReLU, fan in 300): std = √2/√300.
        Near(Math.Sqrt(2.0 / 300), Stats(Init.KaimingNormalInPlace(w, nonlinearity: Nonlinearity.Relu, generator: g)).Std);
        Near(Math.Sqrt(2.0 / 200), Stats(Init.KaimingNormalInPlace(w, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu, generator: g)).Std);
        var k = Stats(Init.KaimingUniformInPlace(w, a: Math.Sqrt(5), generator: g));
        Assert.InRange(k.Max, 0.99 / Math.Sqrt(300), 1 / Math.Sqrt(300));
        var n = Stats(Init.NormalInPlace(w, 3, 0.5, g));
        Assert.Equal(3, n.Mean, 2);
        Near(0.5, n.Std);
        var u = Stats(Init.UniformInPlace(w, -1, 2, g));
        Assert.InRange(u.Min, -1, -0.99);
        Assert.InRange(u.Max, 1.99, 2);
    }

    [Fact]
    public void ConstantsAndSeedsAndParametersThatRequireGrad()
    {
        var p = new Parameter(Tensor.Zeros(3, 2));
        Assert.Same(p, Init.OnesInPlace(p));
        Assert.All(p.ToFloatArray(), v => Assert.Equal(1f, v));
        Init.ConstantInPlace(p, -2.5);
        Assert.All(p.ToFloatArray(), v => Assert.Equal(-2.5f, v));
        Init.ZerosInPlace(p);
        Assert.All(p.ToFloatArray(), v => Assert.Equal(0f, v));
        Assert.True(p.IsLeaf && p.GradFn is null);
        var a = Init.XavierUniformInPlace(Tensor.Zeros([4, 4], DType.Float64), generator: new Generator(5)).ToDoubleArray();
        var b = Init.XavierUniformInPlace(Tensor.Zeros([4, 4], DType.Float64), generator: new Generator(5)).ToDoubleArray();
        Assert.Equal(a, b);
    }

    [Fact]
    public void BadArguments()
    {
        Assert.Contains("expects std >= 0.0", Assert.Throws<ArgumentException>(() => Init.NormalInPlace(Tensor.Zeros(2), 0, -1)).Message);
        Assert.Contains("expects low <= high", Assert.Throws<ArgumentException>(() => Init.UniformInPlace(Tensor.Zeros(2), 1, 0)).Message);
        Assert.Contains("its fan (FanIn) is 0", Assert.Throws<ArgumentException>(() => Init.KaimingUniformInPlace(Tensor.Zeros(3, 0))).Message);
    }
}
