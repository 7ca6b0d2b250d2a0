using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Narrow, Select and the indexer (ints, ^ indices, ranges, Ellipsis, NewAxis).</summary>
public class ViewsSlicingTests
{
    /// <summary>[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]] in the given dtype.</summary>
    private static Tensor Grid(DType dtype) => Tensor.Arange(12, dtype).Reshape(3, 4);

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void NarrowSelect_ForwardValues(DType dtype)
    {
        var x = Grid(dtype);
        AssertValues(x.Narrow(0, 1, 2), [2, 4], 4, 5, 6, 7, 8, 9, 10, 11);
        AssertValues(x.Narrow(1, 2, 2), [3, 2], 2, 3, 6, 7, 10, 11);
        AssertValues(x.Narrow(-1, -2, 1), [3, 1], 2, 6, 10);
        Assert.Equal([3, 0], x.Narrow(1, 4, 0).Shape);
        AssertValues(x.Select(0, 1), [4], 4, 5, 6, 7);
        AssertValues(x.Select(1, -1), [3], 3, 7, 11);
        AssertValues(x.T.Select(0, 2), [3], 2, 6, 10);
        AssertValues(x.T.Narrow(1, 1, 2).Select(0, 3), [2], 7, 11);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Indexer_ForwardValues(DType dtype)
    {
        var x = Grid(dtype);
        AssertValues(x[1.., ^1], [2], 7, 11);
        AssertValues(x[0], [4], 0, 1, 2, 3);
        AssertValues(x[-1], [4], 8, 9, 10, 11);
        AssertValues(x[^2, 1], [], 5);
        AssertValues(x[.., 1], [3], 1, 5, 9);
        AssertValues(x[1..^1], [1, 4], 4, 5, 6, 7);
        AssertValues(x[.., 1..3], [3, 2], 1, 2, 5, 6, 9, 10);
        AssertValues(x[TensorIndex.Ellipsis, 2], [3], 2, 6, 10);
        AssertValues(x[1, TensorIndex.Ellipsis], [4], 4, 5, 6, 7);
        AssertValues(x[TensorIndex.NewAxis, 1], [1, 4], 4, 5, 6, 7);
        AssertValues(x[.., TensorIndex.NewAxis, 3], [3, 1], 3, 7, 11);
        AssertValues(x[TensorIndex.All, 0], [3], 0, 4, 8);
        // Slices clamp to the dim as Python's do.
        Assert.Equal([0, 4], x[5..].Shape);
        AssertValues(x[..10, ^1], [3], 3, 7, 11);
        // Indexing a transposed view: x.T[1] is column 1 of x.
        AssertValues(x.T[1], [3], 1, 5, 9);
    }

    [Fact]
    public void Indexer_ResultsAreViews()
    {
        var x = Tensor.Zeros([3, 4], DType.Float64);
        var corner = x[1.., ^1];
        Assert.True(corner.IsView);
        corner.FillInPlace(3);
        AssertValues(x[.., 3], [3], 0, 3, 3);
        Assert.Equal(x.Version, corner.Version);
    }

    [Fact]
    public void SlicingFamily_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(171);
        var x = Uniform(g, [3, 4]);
        CheckGradients(t => t[0].Narrow(1, 1, 2), x);
        CheckGradients(t => t[0].Narrow(0, 2, 1) * t[0].Narrow(0, 0, 1), x);
        CheckGradients(t => t[0].Select(1, 3), x);
        CheckGradients(t => t[0].Select(0, -1) * t[0].Select(0, 0), x);
        CheckGradients(t => t[0][1.., ^1], x);
        CheckGradients(t => t[0][.., 1..3] * t[0][.., TensorIndex.NewAxis, ^1], x);
        CheckGradients(t => t[0][TensorIndex.Ellipsis, 0], x);
        // Slices of slices of a transposed view, and a transposed leaf sliced directly.
        CheckGradients(t => t[0].T[1..][.., 0].Narrow(0, 1, 2), x);
        CheckGradients(t => t[0].Narrow(0, 1, 2).Select(1, 1), TransposedLeaf(g, 3, 4));
        CheckGradients(t => t[0][1.., ^2..] * t[0][..2, ..2], SlicedLeaf(g, 3, 4));
    }

    [Fact]
    public void Narrow_GradientScattersIntoZerosOfTheInputShape()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4], [4], requiresGrad: true);
        AssertValues(GradOf(t => t.Narrow(0, 1, 2) * 5, x), [4], 0, 5, 5, 0);
        AssertValues(GradOf(t => t[^1] * 2, x), [4], 0, 0, 0, 2);
        Assert.Equal("SliceBackward", x.Narrow(0, 1, 2).GradFn!.Name);
    }

    [Fact]
    public void Narrow_Errors()
    {
        var x = Tensor.Ones(2, 3);
        AssertThrows<ArgumentOutOfRangeException>(() => x.Narrow(1, 2, 2), "Narrow:", "start (2) + length (2)", "exceeds dimension 1 of size 3", "[2, 3]");
        AssertThrows<ArgumentOutOfRangeException>(() => x.Narrow(0, 0, -1), "Narrow:", "length (-1)");
        AssertThrows<ArgumentOutOfRangeException>(() => x.Narrow(0, -3, 1), "Narrow:", "dimension 0 of size 2");
        AssertThrows<ArgumentOutOfRangeException>(() => x.Narrow(2, 0, 1), "Narrow:", "dimension out of range", "got 2");
        AssertThrows<ArgumentException>(() => Tensor.Scalar(1).Narrow(0, 0, 1), "Narrow:", "0-dim");
    }

    [Fact]
    public void Select_Errors()
    {
        var x = Tensor.Ones(2, 3);
        AssertThrows<ArgumentOutOfRangeException>(() => x.Select(1, 3), "Select:", "index 3", "out of bounds for dimension 1 with size 3");
        AssertThrows<ArgumentOutOfRangeException>(() => x.Select(0, -3), "Select:", "index -3", "dimension 0 with size 2");
        AssertThrows<ArgumentOutOfRangeException>(() => x.Select(-3, 0), "Select:", "dimension out of range");
        AssertThrows<ArgumentException>(() => Tensor.Scalar(1).Select(0, 0), "Select:", "0-dim");
    }

    [Fact]
    public void Indexer_Errors()
    {
        var x = Tensor.Ones(3, 4);
        AssertThrows<ArgumentOutOfRangeException>(() => _ = x[3], "Index:", "index 3", "out of bounds for dimension 0 with size 3");
        // The dimension is counted in the indexed tensor (PyTorch's real_dim), not in the partly indexed result.
        AssertThrows<ArgumentOutOfRangeException>(() => _ = x[0, ^5], "Index:", "index -5", "dimension 1 with size 4");
        AssertThrows<ArgumentOutOfRangeException>(() => _ = Tensor.Ones(2, 3, 4)[TensorIndex.NewAxis, 1, TensorIndex.Ellipsis, 4], "Index:", "index 4", "dimension 2 with size 4");
        AssertThrows<ArgumentOutOfRangeException>(() => _ = x[.., -5], "Index:", "index -5", "dimension 1 with size 4");
        AssertThrows<ArgumentException>(() => _ = x[0, 1, 2], "Index:", "too many indices", "dimension 2", "got 3", "[3, 4]");
        AssertThrows<ArgumentException>(() => _ = x[TensorIndex.Ellipsis, 0, TensorIndex.Ellipsis], "Index:", "single ellipsis");
    }
}
