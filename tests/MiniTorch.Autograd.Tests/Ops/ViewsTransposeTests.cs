using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Transpose, T and Permute.</summary>
public class ViewsTransposeTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void TransposeFamily_ForwardValues(DType dtype)
    {
        var m = Make(dtype, [2, 3], 0, 1, 2, 3, 4, 5);
        AssertValues(m.T, [3, 2], 0, 3, 1, 4, 2, 5);
        AssertValues(m.Transpose(0, 1), [3, 2], 0, 3, 1, 4, 2, 5);
        AssertValues(m.Transpose(-1, -2), [3, 2], 0, 3, 1, 4, 2, 5);
        AssertValues(m.Transpose(1, 1), [2, 3], 0, 1, 2, 3, 4, 5);
        AssertValues(m.T.T, [2, 3], 0, 1, 2, 3, 4, 5);
        // x[i, j, k] = 4i + 2j + k for shape [2, 2, 2] … Permute(2, 0, 1)[k, i, j] = x[i, j, k].
        var x = Make(dtype, [2, 2, 2], 0, 1, 2, 3, 4, 5, 6, 7);
        AssertValues(x.Permute(2, 0, 1), [2, 2, 2], 0, 2, 4, 6, 1, 3, 5, 7);
        AssertValues(x.Permute(-1, -3, -2), [2, 2, 2], 0, 2, 4, 6, 1, 3, 5, 7);
        AssertValues(x.Transpose(0, 2), [2, 2, 2], 0, 4, 2, 6, 1, 5, 3, 7);
        AssertValues(x.Permute(0, 1, 2), [2, 2, 2], 0, 1, 2, 3, 4, 5, 6, 7);
        // Rank ≤ 1: T is the tensor itself, as in PyTorch.
        var v = Make(dtype, [3], 1, 2, 3);
        AssertValues(v.T, [3], 1, 2, 3);
        AssertValues(Make(dtype, [], 2).T, [], 2);
    }

    [Fact]
    public void TransposeFamily_AreViews()
    {
        var m = Tensor.Zeros([2, 3], DType.Float64);
        var t = m.T;
        Assert.True(t.IsView);
        Assert.False(t.IsContiguous);
        Assert.Equal([1, 3], t.Strides);
        t[2].FillInPlace(9);
        AssertValues(m, [2, 3], 0, 0, 9, 0, 0, 9);
        var p = Tensor.Zeros(2, 3, 4).Permute(2, 0, 1);
        Assert.Equal([4, 2, 3], p.Shape);
        Assert.Equal([1, 12, 4], p.Strides);
    }

    [Fact]
    public void TransposeFamily_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(151);
        var x = Uniform(g, [2, 3, 2]);
        CheckGradients(t => t[0].Transpose(0, 2), x);
        CheckGradients(t => t[0].Transpose(-1, 1) * t[0].Transpose(1, 2), x);
        CheckGradients(t => t[0].Permute(1, 2, 0), x);
        CheckGradients(t => t[0].Permute(2, 0, 1).Permute(2, 0, 1), x);
        CheckGradients(t => t[0].Select(0, 1).T, x);
        CheckGradients(t => t[0].Narrow(1, 1, 2).Transpose(0, 1).Permute(2, 1, 0), x);
        CheckGradients(t => t[0].T, TransposedLeaf(g, 3, 2));
        CheckGradients(t => t[0].T * t[0].T, Uniform(g, [4]));
    }

    [Fact]
    public void TransposeFamily_GradFnNamesFollowPyTorch()
    {
        var x = Tensor.Ones([2, 2], requiresGrad: true);
        Assert.Equal("TransposeBackward", x.T.GradFn!.Name);
        Assert.Equal("PermuteBackward", x.Permute(1, 0).GradFn!.Name);
    }

    [Fact]
    public void Transpose_BadDims_Throw()
    {
        var x = Tensor.Ones(2, 3);
        AssertThrows<ArgumentOutOfRangeException>(() => x.Transpose(0, 2), "Transpose:", "dimension out of range", "got 2");
        AssertThrows<ArgumentOutOfRangeException>(() => x.Transpose(-3, 0), "Transpose:", "got -3");
    }

    [Fact]
    public void T_OnMoreThanTwoDims_Throws()
    {
        AssertThrows<ArgumentException>(() => _ = Tensor.Ones(2, 3, 4).T, "T:", "<= 2 dimensions", "[2, 3, 4]", "Permute");
    }

    [Fact]
    public void Permute_Errors()
    {
        var x = Tensor.Ones(2, 3, 4);
        AssertThrows<ArgumentException>(() => x.Permute(0, 1), "Permute:", "number of dims don't match", "got 2 dims", "[2, 3, 4]");
        AssertThrows<ArgumentException>(() => x.Permute(0, 1, -3), "Permute:", "repeated dim 0", "[0, 1, -3]");
        AssertThrows<ArgumentOutOfRangeException>(() => x.Permute(0, 1, 3), "Permute:", "dimension out of range", "got 3");
    }
}
