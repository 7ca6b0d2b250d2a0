using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Contiguous, Clone and To(dtype).</summary>
public class ViewsCopyTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void ContiguousClone_ForwardValuesAndLayout(DType dtype)
    {
        var x = Make(dtype, [2, 3], 0, 1, 2, 3, 4, 5);
        Assert.Same(x, x.Contiguous());
        var c = x.T.Contiguous();
        Assert.True(c.IsContiguous);
        Assert.Equal([2, 1], c.Strides);
        AssertValues(c, [3, 2], 0, 3, 1, 4, 2, 5);
        var clone = x.Clone();
        Assert.NotSame(x, clone);
        AssertValues(clone, [2, 3], 0, 1, 2, 3, 4, 5);
        // A clone owns its storage: writing to it leaves the original alone.
        clone.FillInPlace(9);
        AssertValues(x, [2, 3], 0, 1, 2, 3, 4, 5);
        AssertValues(x.Narrow(1, 1, 2).Clone(), [2, 2], 1, 2, 4, 5);
    }

    [Fact]
    public void To_ConvertsValuesBothWays()
    {
        var d = Tensor.FromArray([0.1, -2.5, 1e10], [3]);
        var f = d.To(DType.Float32);
        Assert.Equal(DType.Float32, f.DType);
        Assert.Equal(new[] { 0.1f, -2.5f, 1e10f }, f.ToFloatArray());
        var back = f.To(DType.Float64);
        Assert.Equal(DType.Float64, back.DType);
        Assert.Equal(new double[] { 0.1f, -2.5f, 1e10f }, back.ToDoubleArray());
        // Same dtype returns the tensor itself, as PyTorch's .to() does.
        Assert.Same(d, d.To(DType.Float64));
        // A non-contiguous source converts in logical order.
        var m = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, [2, 2]);
        AssertValues(m.T.To(DType.Float64), [2, 2], 1, 3, 2, 4);
    }

    [Fact]
    public void To_GradientComesBackInTheSourceDType()
    {
        var x = Tensor.FromArray(new float[] { 1.5f, -2 }, [2], requiresGrad: true);
        var y = x.To(DType.Float64);
        Assert.Equal("ToCopyBackward", y.GradFn!.Name);
        (y * y).Sum().Backward();
        Assert.Equal(DType.Float32, x.Grad!.DType);
        AssertValues(x.Grad, [2], 3, -4);
    }

    [Fact]
    public void ContiguousClone_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(181);
        var x = Uniform(g, [3, 4]);
        CheckGradients(t => t[0].Clone(), x);
        CheckGradients(t => t[0].Clone() * t[0], x);
        CheckGradients(t => t[0].T.Contiguous(), x);
        CheckGradients(t => t[0].Narrow(1, 1, 2).Contiguous().View(6), x);
        CheckGradients(t => t[0].Select(0, 1).Expand(2, 4).Contiguous(), x);
        CheckGradients(t => t[0].Contiguous() * t[0].Clone(), TransposedLeaf(g, 3, 4));
        Assert.Equal("CloneBackward", x.Clone().GradFn!.Name);
    }

    [Fact]
    public void To_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(182);
        var x = Uniform(g, [2, 3]);
        // Through float32 the finite differences carry float32 rounding (≈ 6e-8 relative): a larger step and
        // tolerance keep the check meaningful without flagging that rounding.
        Assert.True(GradCheck.Check(t => (t[0].To(DType.Float32) * 3).To(DType.Float64), [x], eps: 1e-3, atol: 1e-3));
        Assert.True(GradCheck.GradGradCheck(t => (t[0].To(DType.Float32) * t[0].To(DType.Float32)).To(DType.Float64), [x], eps: 1e-3, atol: 1e-3));
        CheckGradients(t => t[0].T.To(DType.Float64) * t[0].T, x);
    }
}
