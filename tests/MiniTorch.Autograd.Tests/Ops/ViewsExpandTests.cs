using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Expand and ExpandAs.</summary>
public class ViewsExpandTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Expand_ForwardValues(DType dtype)
    {
        var column = Make(dtype, [2, 1], 1, 2);
        AssertValues(column.Expand(2, 3), [2, 3], 1, 1, 1, 2, 2, 2);
        AssertValues(column.Expand(-1, 2), [2, 2], 1, 1, 2, 2);
        // New leading dims may be added.
        AssertValues(column.Expand(2, 2, 2), [2, 2, 2], 1, 1, 2, 2, 1, 1, 2, 2);
        AssertValues(Make(dtype, [], 5).Expand(3), [3], 5, 5, 5);
        AssertValues(column.ExpandAs(Tensor.Zeros(3, 2, 4)), [3, 2, 4], Enumerable.Repeat(new double[] { 1, 1, 1, 1, 2, 2, 2, 2 }, 3).SelectMany(r => r).ToArray());
        // Expanding a transposed row: [[1, 2]].T is a column again.
        AssertValues(Make(dtype, [1, 2], 1, 2).T.Expand(2, 2), [2, 2], 1, 1, 2, 2);
    }

    [Fact]
    public void Expand_IsAViewWithZeroStrides()
    {
        var x = Tensor.Zeros([3, 1], DType.Float64);
        var e = x.Expand(3, 4);
        Assert.True(e.IsView);
        Assert.Equal([1, 0], e.Strides);
        x.Narrow(0, 1, 1).FillInPlace(7);
        AssertValues(e.Select(0, 1), [4], 7, 7, 7, 7);
    }

    [Fact]
    public void Expand_GradientSumsOverTheExpandedDims()
    {
        var x = Tensor.FromArray([1.0, 2], [2, 1], requiresGrad: true);
        var weights = Tensor.FromArray([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3]);
        AssertValues(GradOf(t => t.Expand(2, 2, 3) * weights, x), [2, 1], 1 + 2 + 3 + 7 + 8 + 9, 4 + 5 + 6 + 10 + 11 + 12);
        Assert.Equal("ExpandBackward", x.Expand(2, 3).GradFn!.Name);
    }

    [Fact]
    public void Expand_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(161);
        var x = Uniform(g, [3, 1]);
        CheckGradients(t => t[0].Expand(3, 4), x);
        CheckGradients(t => t[0].Expand(2, 3, 2) * t[0].Expand(2, -1, 2), x);
        CheckGradients(t => t[0].T.Expand(2, 3), x);
        CheckGradients(t => t[0].ExpandAs(Tensor.Zeros(2, 3, 3)), x);
        CheckGradients(t => t[0].Expand(2, 3), Uniform(g, []));
        // Expanding an expanded, transposed view.
        CheckGradients(t => t[0].Expand(3, 2).T.Unsqueeze(1).Expand(2, 2, 3), x);
        CheckGradients(t => t[0].Narrow(1, 1, 1).Expand(2, 2), TransposedLeaf(g, 2, 3));
    }

    [Fact]
    public void Expand_Errors()
    {
        var x = Tensor.Ones(2, 3);
        AssertThrows<ArgumentException>(() => x.Expand(3), "Expand:", "number of sizes provided (1)", "number of dimensions in the tensor (2)", "[2, 3]");
        AssertThrows<ArgumentException>(() => x.Expand(2, 4), "Expand:", "expanded size of the tensor (4)", "existing size (3)", "non-singleton dimension 1", "[2, 4]", "[2, 3]");
        AssertThrows<ArgumentException>(() => x.Expand(-1, 2, 3), "Expand:", "-1", "leading, non-existing dimension 0");
        AssertThrows<ArgumentException>(() => x.ExpandAs(Tensor.Ones(4, 3)), "Expand:", "existing size (2)", "[4, 3]");
    }
}
