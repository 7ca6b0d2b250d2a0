using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>ReLU's fused backward (no mask tensor) against the composite it replaced, g * y.Gt(0): bit-identical.</summary>
public class ReluGradTests
{
    private static readonly double[] Specials = [-3, -0.0, 0, 2.5, 1e-300, -1e-300, double.PositiveInfinity, double.NegativeInfinity, double.NaN];

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void FusedBackwardIsBitIdenticalToTheMaskComposite(DType dtype)
    {
        // Every pair of special values for (g, y), then a long random run so the vector loop and its tail both run.
        var g = new List<double>();
        var y = new List<double>();
        foreach (var a in Specials)
        {
            foreach (var b in Specials)
            {
                g.Add(a);
                y.Add(b);
            }
        }
        var gen = new Generator(1);
        var noise = Uniform(gen, [2, 1001], requiresGrad: false).ToDoubleArray();
        g.AddRange(noise[..1001]);
        y.AddRange(noise[1001..]);
        var gt = Tensor.FromArray(g.ToArray(), [g.Count]).To(dtype);
        var yt = Tensor.FromArray(y.ToArray(), [y.Count]).To(dtype);
        AssertBitIdentical(gt * yt.Gt(0), Tensor.ReluGrad(gt, yt));
        // A broadcast gradient (what the backward of a Sum passes down) and a transposed y.
        var scalar = Tensor.FromArray([-1.5], [1]).To(dtype).Expand([3, 4]);
        var y2 = Tensor.FromArray([-1.0, 0, 1, 2, -0.0, 3, double.NaN, 4, -5, 6, 7, -8], [4, 3]).To(dtype).T;
        AssertBitIdentical(scalar * y2.Gt(0), Tensor.ReluGrad(scalar, y2));
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void FusedLeakyReluBackwardIsBitIdenticalToTheMaskComposite(DType dtype)
    {
        var g = new List<double>();
        var x = new List<double>();
        foreach (var a in Specials)
        {
            foreach (var b in Specials)
            {
                g.Add(a);
                x.Add(b);
            }
        }
        var noise = Uniform(new Generator(3), [2, 1001], requiresGrad: false).ToDoubleArray();
        g.AddRange(noise[..1001]);
        x.AddRange(noise[1001..]);
        var gt = Tensor.FromArray(g.ToArray(), [g.Count]).To(dtype);
        var xt = Tensor.FromArray(x.ToArray(), [x.Count]).To(dtype);
        foreach (double slope in new[] { 0.01, 0.2, -1.5 })
        {
            var positive = xt.Gt(0).To(dtype); // a Bool mask as numbers (1 − Bool is refused, as in PyTorch)
            AssertBitIdentical(gt * (positive + (1 - positive) * slope), Tensor.LeakyReluGrad(gt, xt, slope));
            // A broadcast gradient (what the backward of a Sum passes down).
            var scalar = Tensor.FromArray([-1.5], [1]).To(dtype).Expand([x.Count]);
            AssertBitIdentical(scalar * (positive + (1 - positive) * slope), Tensor.LeakyReluGrad(scalar, xt, slope));
        }
    }

    [Fact]
    public void LeakyReluBackwardIsTwiceDifferentiable()
    {
        var x = AwayFromZero(new Generator(4), [3, 4]);
        var g = Autograd.Grad([x.LeakyRelu(0.2).Square().Sum()], [x], createGraph: true)[0]!;
        Assert.Equal("LeakyReluBackwardBackward", g.GradFn!.Name);
        CheckGradients(t => t[0].LeakyRelu(0.2).Square(), x);
        CheckGradients(t => (t[0] * 2).LeakyRelu(), x);
    }

    [Fact]
    public void ReluBackwardUsesTheFusedOpAndStaysTwiceDifferentiable()
    {
        var x = AwayFromZero(new Generator(2), [3, 4]);
        var y = x.Relu();
        // The incoming gradient 2y depends on x, so the fused op records its own backward.
        var g = Autograd.Grad([y.Square().Sum()], [x], createGraph: true)[0]!;
        Assert.Equal("ReluBackwardBackward", g.GradFn!.Name);
        CheckGradients(t => t[0].Relu().Square(), x);
        CheckGradients(t => (t[0] * 2).Relu(), x);
    }

    private static void AssertBitIdentical(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(e[i]) == BitConverter.DoubleToInt64Bits(a[i]), $"element {i}: composite {e[i]:R}, fused {a[i]:R}");
        }
    }
}
