namespace MiniTorch.Tests.Ops;

/// <summary>
/// The fused LayerNorm against the composite it replaces, (x − mean)/√(var + ε)·w + b in tensor ops: the float32
/// output bit for bit, the gradients within float32 rounding (the fused backward uses the closed form), and its
/// derivatives of first and second order and its tangents by finite differences in float64.
/// </summary>
public class LayerNormFusedTests
{
    private static Tensor Composite(Tensor x, int k, Tensor? w, Tensor? b, double eps)
    {
        var dims = Enumerable.Range(x.Rank - k, k).ToArray();
        var centered = x - x.Mean(dims, keepDim: true);
        var y = centered / ((centered * centered).Mean(dims, keepDim: true) + eps).Sqrt();
        y = w is null ? y : y * w;
        return b is null ? y : y + b;
    }

    [Theory]
    [InlineData(new[] { 16, 64, 128 }, 1, true)]  // the transformer's, split over threads
    [InlineData(new[] { 3, 5, 7 }, 2, true)]      // two normalised dims, odd sizes
    [InlineData(new[] { 4, 33 }, 1, false)]       // no affine
    [InlineData(new[] { 300 }, 1, true)]          // one row
    public void Float32OutputIsTheCompositesBitsAndGradientsAgree(int[] shape, int k, bool affine)
    {
        var g = new Generator(5);
        var x0 = Tensor.Randn(shape, generator: g) * 3 + 1;
        var pshape = shape[^k..];
        var w0 = affine ? Tensor.Randn(pshape, generator: g) : null;
        var b0 = affine ? Tensor.Randn(pshape, generator: g) : null;
        var gy = Tensor.Randn(shape, generator: g);

        var (xf, wf, bf) = (x0.Detach().SetRequiresGrad(), w0?.Detach().SetRequiresGrad(), b0?.Detach().SetRequiresGrad());
        var (xc, wc, bc) = (x0.Detach().SetRequiresGrad(), w0?.Detach().SetRequiresGrad(), b0?.Detach().SetRequiresGrad());
        var yf = Tensor.LayerNormFused(xf, k, wf, bf, 1e-5);
        var yc = Composite(xc, k, wc, bc, 1e-5);
        Assert.Equal(yc.ToFloatArray(), yf.ToFloatArray());

        yf.Backward(gy);
        yc.Backward(gy);
        AssertClose(xc.Grad!, xf.Grad!, 2e-5);
        if (affine)
        {
            AssertClose(wc!.Grad!, wf!.Grad!, 2e-5);
            AssertClose(bc!.Grad!, bf!.Grad!, 2e-5);
        }
    }

    private static void AssertClose(Tensor expected, Tensor actual, double rtol)
    {
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        double scale = e.Max(Math.Abs);
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - a[i]) <= rtol * scale, $"[{i}]: {a[i]:R}, composite {e[i]:R}");
        }
    }

    [Fact]
    public void GradCheckAndGradGradCheckWithAffine()
    {
        var g = new Generator(1);
        var x = Tensor.Randn([2, 3, 4], DType.Float64, g, requiresGrad: true);
        var w = Tensor.Randn([4], DType.Float64, g, requiresGrad: true);
        var b = Tensor.Randn([4], DType.Float64, g, requiresGrad: true);
        Func<Tensor[], Tensor> f = t => Tensor.LayerNormFused(t[0], 1, t[1], t[2], 1e-5);
        Assert.True(GradCheck.Check(f, [x, w, b]));
        Assert.True(GradCheck.GradGradCheck(f, [x, w, b]));
    }

    [Fact]
    public void GradCheckAndGradGradCheckTwoDimsNoAffineNonContiguous()
    {
        var x = Tensor.Randn([5, 3, 2], DType.Float64, new Generator(2)).Transpose(0, 2).Detach().SetRequiresGrad(); // [2, 3, 5]
        Assert.False(x.IsContiguous);
        Assert.Equal(Composite(x.Detach(), 2, null, null, 1e-5).ToDoubleArray(), Tensor.LayerNormFused(x.Detach(), 2, null, null, 1e-5).ToDoubleArray());
        Func<Tensor[], Tensor> f = t => Tensor.LayerNormFused(t[0], 2, null, null, 1e-5);
        Assert.True(GradCheck.Check(f, [x]));
        Assert.True(GradCheck.GradGradCheck(f, [x]));
    }

    [Fact]
    public void OnlyWeightRequiresGrad()
    {
        var g = new Generator(3);
        var x = Tensor.Randn([3, 6], DType.Float64, g);
        var w = Tensor.Randn([6], DType.Float64, g, requiresGrad: true);
        var b = Tensor.Randn([6], DType.Float64, g);
        Assert.True(GradCheck.Check(t => Tensor.LayerNormFused(x, 1, t[0], b, 1e-5), [w]));
        Assert.True(GradCheck.GradGradCheck(t => Tensor.LayerNormFused(x, 1, t[0], b, 1e-5), [w]));
    }

    [Fact]
    public void ForwardModeTangentsMatchFiniteDifferencesAndReverseMode()
    {
        var g = new Generator(4);
        var x = Tensor.Randn([3, 5], DType.Float64, g, requiresGrad: true);
        var w = Tensor.Randn([5], DType.Float64, g, requiresGrad: true);
        var b = Tensor.Randn([5], DType.Float64, g, requiresGrad: true);
        Func<Tensor[], Tensor> f = t => Tensor.LayerNormFused(t[0], 1, t[1], t[2], 1e-5);
        Assert.True(GradCheck.CheckForward(f, [x, w, b]));
        Assert.True(GradCheck.CheckForwardReverseAgree(f, [x, w, b]));
        Assert.True(GradCheck.CheckForward(t => Tensor.LayerNormFused(t[0], 1, null, t[1], 1e-5), [x, b]));
    }

    [Fact]
    public void MismatchedDTypeIsRejectedWithTheOpsName()
    {
        var x = Tensor.Randn([2, 4]);
        var w = Tensor.Randn([4], DType.Float64);
        var e = Assert.Throws<ArgumentException>(() => Tensor.LayerNormFused(x, 1, w, null, 1e-5));
        Assert.Contains("LayerNorm", e.Message);
    }
}
