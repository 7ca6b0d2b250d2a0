using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Cat and Stack.</summary>
public class ConcatTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Cat_ForwardValues(DType dtype)
    {
        var a = Make(dtype, [2, 2], 1, 2, 3, 4);
        var b = Make(dtype, [1, 2], 5, 6);
        var c = Make(dtype, [2, 1], 7, 8);
        AssertValues(Tensor.Cat([a, b]), [3, 2], 1, 2, 3, 4, 5, 6);
        AssertValues(Tensor.Cat([a, c], 1), [2, 3], 1, 2, 7, 3, 4, 8);
        AssertValues(Tensor.Cat([c, a, c], -1), [2, 4], 7, 1, 2, 7, 8, 3, 4, 8);
        AssertValues(Tensor.Cat([a]), [2, 2], 1, 2, 3, 4);
        // Non-contiguous parts: a.T = [[1, 3], [2, 4]].
        AssertValues(Tensor.Cat([a.T, b]), [3, 2], 1, 3, 2, 4, 5, 6);
        // An empty part along the cat dim contributes nothing.
        AssertValues(Tensor.Cat([a, a.Narrow(0, 0, 0)]), [2, 2], 1, 2, 3, 4);
        Assert.Equal(dtype, Tensor.Cat([a, b]).DType);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Stack_ForwardValues(DType dtype)
    {
        var a = Make(dtype, [2], 1, 2);
        var b = Make(dtype, [2], 3, 4);
        AssertValues(Tensor.Stack([a, b]), [2, 2], 1, 2, 3, 4);
        AssertValues(Tensor.Stack([a, b], 1), [2, 2], 1, 3, 2, 4);
        AssertValues(Tensor.Stack([a, b, a], -1), [2, 3], 1, 3, 1, 2, 4, 2);
        AssertValues(Tensor.Stack([Tensor.Scalar(5, dtype), Tensor.Scalar(6, dtype)]), [2], 5, 6);
        var m = Make(dtype, [2, 2], 1, 2, 3, 4);
        AssertValues(Tensor.Stack([m, m.T], 2), [2, 2, 2], 1, 1, 2, 3, 3, 2, 4, 4);
    }

    [Fact]
    public void Cat_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(131);
        var a = Uniform(g, [2, 3]);
        var b = Uniform(g, [1, 3]);
        var c = Uniform(g, [2, 2]);
        CheckGradients(t => Tensor.Cat([t[0], t[1]]), a, b, c);
        CheckGradients(t => Tensor.Cat([t[0], t[2], t[0]], -1), a, b, c);
        CheckGradients(t => Tensor.Cat([t[0] * t[0], t[1].Exp()], 0).Sum(0), a, b, c);
        // A part that needs no gradient in between parts that do.
        var constant = Uniform(g, [2, 1], requiresGrad: false);
        CheckGradients(t => Tensor.Cat([t[2], constant, t[0]], 1), a, b, c);
    }

    [Fact]
    public void Cat_GradientsMatchFiniteDifferences_OnNonContiguousInputs()
    {
        var g = new Generator(132);
        var a = Uniform(g, [3, 2]);
        var b = Uniform(g, [2, 4]);
        CheckGradients(t => Tensor.Cat([t[0].T, t[1]], 1), a, b);
        CheckGradients(t => Tensor.Cat([t[1].Narrow(1, 1, 2), t[0].Select(0, 1).Expand(2, 2)], 0), a, b);
        CheckGradients(t => Tensor.Cat([t[0], t[1].T.Narrow(0, 1, 3)], 1), TransposedLeaf(g, 3, 2), b);
    }

    [Fact]
    public void Stack_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(133);
        var a = Uniform(g, [2, 3]);
        var b = Uniform(g, [3, 2]);
        CheckGradients(t => Tensor.Stack([t[0], t[1].T]), a, b);
        CheckGradients(t => Tensor.Stack([t[0], t[0] * t[1].T, t[0]], 1), a, b);
        CheckGradients(t => Tensor.Stack([t[0].Narrow(1, 0, 2), t[1].Narrow(0, 1, 2)], -1), a, b);
        CheckGradients(t => Tensor.Stack([t[0], t[0]], 2), TransposedLeaf(g, 2, 3));
    }

    [Fact]
    public void Cat_GradientIsSlicedBackToEachPart()
    {
        var a = Tensor.FromArray([1.0, 2], [2], requiresGrad: true);
        var b = Tensor.FromArray([3.0], [1], requiresGrad: true);
        var weights = Tensor.FromArray([10.0, 20, 30], [3]);
        (Tensor.Cat([a, b]) * weights).Sum().Backward();
        AssertValues(a.Grad!, [2], 10, 20);
        AssertValues(b.Grad!, [1], 30);
        Assert.Equal("CatBackward", Tensor.Cat([a, b]).GradFn!.Name);
    }

    [Fact]
    public void CatAndStack_PromoteMixedDTypes_AndGradientsKeepEachInputsDType()
    {
        var a = Tensor.FromArray(new float[] { 0.1f, 2f }, [2], requiresGrad: true);
        var b = Tensor.FromArray([3.5], [1], requiresGrad: true);
        var c = Tensor.Cat([a, b]);
        Assert.Equal(DType.Float64, c.DType);
        Assert.Equal(new[] { (double)0.1f, 2, 3.5 }, c.ToDoubleArray());
        (c * Tensor.FromArray([1.0, 2, 3], [3])).Sum().Backward();
        Assert.Equal(DType.Float32, a.Grad!.DType);
        Assert.Equal(new[] { 1f, 2f }, a.Grad.ToFloatArray());
        Assert.Equal(new[] { 3.0 }, b.Grad!.ToDoubleArray());
        // int64 with float32 → float32; bool with int64 → int64 (PyTorch's cat).
        Assert.Equal(DType.Float32, Tensor.Stack([Tensor.FromArray([1L, 2L]), Tensor.FromArray(new float[] { 0.5f, 1f }, [2])]).DType);
        var mixed = Tensor.Cat([Tensor.FromArray([true, false]), Tensor.FromArray([7L])]);
        Assert.Equal(DType.Int64, mixed.DType);
        Assert.Equal(new[] { 1L, 0, 7 }, mixed.ToLongArray());
    }

    [Fact]
    public void Cat_Errors()
    {
        AssertThrows<ArgumentException>(() => Tensor.Cat([]), "Cat:", "non-empty");
        AssertThrows<ArgumentException>(() => Tensor.Cat([Tensor.Scalar(1), Tensor.Scalar(2)]), "Cat:", "zero-dimensional");
        AssertThrows<ArgumentException>(() => Tensor.Cat([Tensor.Ones(2, 3), Tensor.Ones(3)]), "Cat:", "same number of dimensions", "[2, 3]", "[3]");
        AssertThrows<ArgumentException>(() => Tensor.Cat([Tensor.Ones(2, 3), Tensor.Ones(2, 4)]), "Cat:", "must match except in dimension 0", "Expected size 3 but got size 4", "[2, 3]", "[2, 4]");
        AssertThrows<ArgumentException>(() => Tensor.Cat([Tensor.Ones(2, 3), Tensor.Ones(3, 3)], 1), "Cat:", "except in dimension 1", "tensor number 1");
        AssertThrows<ArgumentOutOfRangeException>(() => Tensor.Cat([Tensor.Ones(2, 3)], 2), "Cat:", "dimension out of range", "got 2");
    }

    [Fact]
    public void Stack_Errors()
    {
        AssertThrows<ArgumentException>(() => Tensor.Stack([]), "Stack:", "non-empty");
        AssertThrows<ArgumentException>(() => Tensor.Stack([Tensor.Ones(2, 3), Tensor.Ones(3, 2)]), "Stack:", "equal size", "[2, 3]", "[3, 2]", "entry 1");
        AssertThrows<ArgumentOutOfRangeException>(() => Tensor.Stack([Tensor.Ones(2, 3)], 3), "Stack:", "dimension out of range", "[-3, 2]", "got 3");
    }
}
