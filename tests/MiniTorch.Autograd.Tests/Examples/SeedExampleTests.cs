using AutogradTour;

namespace MiniTorch.Tests.Examples;

/// <summary>The seed examples of the autograd issue, as printed by examples/AutogradTour, asserted.</summary>
public class SeedExampleTests
{
    [Fact]
    public void DotProductGradientIsFourX()
    {
        var (x, y, grad) = SeedExamples.DotProductGradient();
        Assert.Equal(28.0, y.Item());
        Assert.Equal(new float[] { 0, 4, 8, 12 }, grad.ToFloatArray());
        Assert.Equal((x * 4).ToFloatArray(), grad.ToFloatArray());
        Assert.Equal("tensor([ 0.,  4.,  8., 12.])", grad.ToString());
    }

    [Fact]
    public void SumGradientAfterZeroingIsOnes()
    {
        var (x, _, _) = SeedExamples.DotProductGradient();
        Assert.Equal(new float[] { 1, 1, 1, 1 }, SeedExamples.SumGradient(x).ToFloatArray());
    }

    [Fact]
    public void NonScalarBackwardWithOnesIsTwoX()
    {
        var (x, _, _) = SeedExamples.DotProductGradient();
        Assert.Equal(new float[] { 0, 2, 4, 6 }, SeedExamples.NonScalarBackward(x).ToFloatArray());
    }

    [Fact]
    public void DetachedIntermediateActsAsConstant()
    {
        var (x, _, _) = SeedExamples.DotProductGradient();
        var (u, grad) = SeedExamples.DetachedComputation(x);
        Assert.Equal(u.ToFloatArray(), grad.ToFloatArray());
        Assert.False(u.RequiresGrad);
        Assert.True(u.IsLeaf);
    }

    [Fact]
    public void SecondBackwardWithoutRetainGraphThrowsAndWithRetainGraphAccumulates()
    {
        var x = Tensor.Arange(4.0, requiresGrad: true);
        var y = 2 * Tensor.Dot(x, x);
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.Equal(new float[] { 0, 8, 16, 24 }, x.Grad!.ToFloatArray());
        var e = Assert.Throws<AutogradException>(() => y.Backward());
        Assert.Contains("backward through the graph a second time", e.Message);
        Assert.Contains("retainGraph: true", e.Message);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 7)]
    [InlineData(0, 11)]
    public void ControlFlowScalarGradientIsFOverA(int size, long seed)
    {
        var (a, d) = SeedExamples.ControlFlowGradient(size, seed);
        Assert.Equal((d / a).Detach().Item(), a.Grad!.Item(), 3);
    }

    [Theory]
    [InlineData(5, 2)]
    [InlineData(8, 13)]
    public void ControlFlowVectorGradientIsDOverA(int size, long seed)
    {
        var (a, d) = SeedExamples.ControlFlowGradient(size, seed);
        Assert.True(a.Grad!.AllClose((d / a).Detach(), rtol: 1e-5), $"{a.Grad} vs {(d / a).Detach()}");
    }

    [Fact]
    public void SineDerivativeMatchesCosine()
    {
        var (x, _, dydx) = SeedExamples.SineDerivative();
        var cos = x.Detach().Cos().ToDoubleArray();
        var grad = dydx.ToDoubleArray();
        Assert.Equal(100, grad.Length);
        for (int i = 0; i < grad.Length; i++)
        {
            Assert.True(Math.Abs(grad[i] - cos[i]) < 1e-6, $"point {i}: {grad[i]} vs cos {cos[i]}");
        }
    }

    [Fact]
    public void VectorJacobianProductOfSquareIsTwoXV()
    {
        var g = new Generator(5);
        var x = Tensor.Randn([6], DType.Float64, g, requiresGrad: true);
        var v = Tensor.Randn([6], DType.Float64, g);
        (x * x).Backward(v);
        Assert.True(x.Grad!.AllClose(2 * x.Detach() * v, rtol: 1e-12));
    }

    [Fact]
    public void CubeHasFirstDerivativeTwelveAndSecondTwelveAtTwo()
    {
        var (first, second) = SeedExamples.CubeDerivatives();
        Assert.Equal(12.0, first.Item());
        Assert.Equal(12.0, second.Item());
        Assert.NotNull(first.GradFn); // recorded because createGraph: true
    }

    [Fact]
    public void LeastSquaresGradientMatchesHandDerivation()
    {
        var (auto, byHand) = SeedExamples.LeastSquaresGradient(200, 7, seed: 9);
        Assert.True(auto.AllClose(byHand, rtol: 1e-4, atol: 1e-3), $"{auto} vs {byHand}");
    }

    [Fact]
    public void SinePlotIsAPngWithContent()
    {
        string dir = Path.Combine(Path.GetTempPath(), "minitorch-tour-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = SeedExamples.PlotSine(Path.Combine(dir, "sin.png"));
            var bytes = File.ReadAllBytes(path);
            Assert.True(bytes.Length > 10_000, $"the PNG has only {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void TourProgramRunsToTheEnd()
    {
        string dir = Path.Combine(Path.GetTempPath(), "minitorch-tour-" + Guid.NewGuid().ToString("N"));
        var original = Console.Out;
        var output = new StringWriter();
        try
        {
            Console.SetOut(output);
            var entry = typeof(SeedExamples).Assembly.EntryPoint!;
            entry.Invoke(null, [new[] { "--out", dir }]);
        }
        finally
        {
            Console.SetOut(original);
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        string text = output.ToString();
        Assert.Contains("x.Grad = tensor([ 0.,  4.,  8., 12.])", text);
        Assert.Contains("with retainGraph: true the gradient accumulates: tensor([ 0.,  8., 16., 24.])", text);
        Assert.Contains("dy/dx = tensor(12., dtype=torch.float64", text);
        Assert.Contains("sin.png", text);
    }
}
