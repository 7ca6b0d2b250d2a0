using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Reshape, View, Flatten, Squeeze and Unsqueeze.</summary>
public class ViewsReshapeTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void ReshapeView_ForwardValues(DType dtype)
    {
        var x = Make(dtype, [2, 3], 0, 1, 2, 3, 4, 5);
        AssertValues(x.Reshape(3, 2), [3, 2], 0, 1, 2, 3, 4, 5);
        AssertValues(x.Reshape(-1), [6], 0, 1, 2, 3, 4, 5);
        AssertValues(x.View(1, -1, 2), [1, 3, 2], 0, 1, 2, 3, 4, 5);
        AssertValues(x.Reshape(6, 1, 1), [6, 1, 1], 0, 1, 2, 3, 4, 5);
        // Reshape of a transposed tensor reads it in its logical (row-major) order: x.T = [[0, 3], [1, 4], [2, 5]].
        AssertValues(x.T.Reshape(6), [6], 0, 3, 1, 4, 2, 5);
        AssertValues(Make(dtype, [1], 7).Reshape(), [], 7);
        Assert.Equal(dtype, x.Reshape(6).DType);
    }

    [Fact]
    public void ReshapeView_OfAContiguousTensor_AreViewsSharingStorage()
    {
        var x = Tensor.Zeros([2, 3], DType.Float64);
        var v = x.View(3, 2);
        var r = x.Reshape(6);
        Assert.True(v.IsView);
        Assert.True(r.IsView);
        v.Narrow(0, 1, 1).FillInPlace(5);
        AssertValues(x, [2, 3], 0, 0, 5, 5, 0, 0);
        AssertValues(r, [6], 0, 0, 5, 5, 0, 0);
        // A non-contiguous tensor cannot be viewed flat: Reshape copies instead.
        var copy = x.T.Reshape(6);
        copy.FillInPlace(1);
        AssertValues(x, [2, 3], 0, 0, 5, 5, 0, 0);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void FlattenSqueezeUnsqueeze_ForwardShapesAndValues(DType dtype)
    {
        var x = Make(dtype, [1, 2, 1, 3], 0, 1, 2, 3, 4, 5);
        AssertValues(x.Flatten(), [6], 0, 1, 2, 3, 4, 5);
        AssertValues(x.Flatten(1), [1, 6], 0, 1, 2, 3, 4, 5);
        AssertValues(x.Flatten(1, 2), [1, 2, 3], 0, 1, 2, 3, 4, 5);
        AssertValues(x.Flatten(-2, -1), [1, 2, 3], 0, 1, 2, 3, 4, 5);
        AssertValues(Make(dtype, [], 4).Flatten(), [1], 4);
        AssertValues(x.Squeeze(), [2, 3], 0, 1, 2, 3, 4, 5);
        AssertValues(x.Squeeze(2), [1, 2, 3], 0, 1, 2, 3, 4, 5);
        AssertValues(x.Squeeze(-4), [2, 1, 3], 0, 1, 2, 3, 4, 5);
        // Squeezing a dim that is not of size 1 leaves the shape unchanged, as in PyTorch.
        AssertValues(x.Squeeze(1), [1, 2, 1, 3], 0, 1, 2, 3, 4, 5);
        AssertValues(x.Squeeze().Unsqueeze(0), [1, 2, 3], 0, 1, 2, 3, 4, 5);
        AssertValues(x.Squeeze().Unsqueeze(-1), [2, 3, 1], 0, 1, 2, 3, 4, 5);
        AssertValues(x.Squeeze().Unsqueeze(1), [2, 1, 3], 0, 1, 2, 3, 4, 5);
        AssertValues(Make(dtype, [], 4).Unsqueeze(0), [1], 4);
        // Unsqueeze of a transposed tensor keeps its element order.
        AssertValues(x.Squeeze().T.Unsqueeze(1), [3, 1, 2], 0, 3, 1, 4, 2, 5);
    }

    [Fact]
    public void ReshapeFamily_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(141);
        var x = Uniform(g, [2, 3, 2]);
        CheckGradients(t => t[0].Reshape(3, 4), x);
        CheckGradients(t => t[0].Reshape(-1, 2) * t[0].View(6, 2), x);
        CheckGradients(t => t[0].View(12), x);
        CheckGradients(t => t[0].Flatten(1), x);
        CheckGradients(t => t[0].Flatten(0, 1), x);
        CheckGradients(t => t[0].Unsqueeze(1).Squeeze(), x);
        CheckGradients(t => t[0].Unsqueeze(-1).Squeeze(3), x);
        CheckGradients(t => t[0].Narrow(1, 0, 1).Squeeze(1), x);
        CheckGradients(t => t[0].Reshape(), Uniform(g, [1, 1]));
    }

    [Fact]
    public void ReshapeFamily_GradientsMatchFiniteDifferences_OnNonContiguousInputs()
    {
        var g = new Generator(142);
        var x = Uniform(g, [3, 4]);
        // Reshape of a non-contiguous tensor goes through a copy; the gradient must find its way back anyway.
        CheckGradients(t => t[0].T.Reshape(2, 6), x);
        CheckGradients(t => t[0].Narrow(1, 1, 2).Flatten(), x);
        CheckGradients(t => t[0].Select(1, 0).Expand(2, 3).Reshape(3, 2), x);
        CheckGradients(t => t[0].T.Unsqueeze(0).Squeeze(0), x);
        CheckGradients(t => t[0].Reshape(12) * t[0].Reshape(12), TransposedLeaf(g, 3, 4));
    }

    [Fact]
    public void ReshapeFamily_GradFnNamesFollowPyTorch()
    {
        var x = Tensor.Ones([2, 1], requiresGrad: true);
        Assert.Equal("ViewBackward", x.Reshape(2).GradFn!.Name);
        Assert.Equal("ViewBackward", x.View(2).GradFn!.Name);
        Assert.Equal("SqueezeBackward", x.Squeeze().GradFn!.Name);
        Assert.Equal("UnsqueezeBackward", x.Unsqueeze(0).GradFn!.Name);
        // Reshaping a non-contiguous tensor records a copy followed by a view.
        var square = Tensor.Ones([2, 2], requiresGrad: true);
        Assert.Equal("CloneBackward", square.T.Reshape(4).GradFn!.NextFunctions[0]!.Name);
    }

    [Fact]
    public void Reshape_InvalidShapes_Throw()
    {
        var x = Tensor.Ones(2, 3);
        AssertThrows<ArgumentException>(() => x.Reshape(4, 2), "Reshape:", "[4, 2]", "invalid for input of size 6", "[2, 3]");
        AssertThrows<ArgumentException>(() => x.Reshape(-1, -1), "Reshape:", "only one dimension can be inferred", "[-1, -1]");
        AssertThrows<ArgumentException>(() => x.Reshape(-1, 4), "Reshape:", "[-1, 4]", "invalid for input of size 6");
        AssertThrows<ArgumentException>(() => x.Reshape(0, -1), "Reshape:", "[0, -1]", "invalid for input of size 6");
        AssertThrows<ArgumentException>(() => x.Reshape(3, -2), "Reshape:", "invalid shape dimension -2");
        AssertThrows<ArgumentException>(() => x.View(7), "View:", "[7]", "invalid for input of size 6");
    }

    [Fact]
    public void View_OfANonContiguousTensor_ThrowsPointingToReshape()
    {
        var x = Tensor.Ones(2, 3);
        AssertThrows<ArgumentException>(() => x.T.View(6), "View:", "not compatible", "[3, 2]", "strides [1, 3]", "Reshape");
    }

    [Fact]
    public void FlattenSqueezeUnsqueeze_BadDims_Throw()
    {
        var x = Tensor.Ones(2, 3);
        AssertThrows<ArgumentException>(() => x.Flatten(1, 0), "Flatten:", "startDim 1", "endDim 0");
        AssertThrows<ArgumentOutOfRangeException>(() => x.Flatten(2), "Flatten:", "dimension out of range", "got 2");
        AssertThrows<ArgumentOutOfRangeException>(() => x.Squeeze(2), "Squeeze:", "dimension out of range", "[-2, 1]", "got 2");
        AssertThrows<ArgumentOutOfRangeException>(() => x.Unsqueeze(3), "Unsqueeze:", "dimension out of range", "[-3, 2]", "got 3");
        AssertThrows<ArgumentOutOfRangeException>(() => x.Unsqueeze(-4), "Unsqueeze:", "got -4");
    }
}
