using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Where (tensor and scalar branches) and MaskedFill.</summary>
public class WhereTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Where_ForwardValues_BroadcastsAllThree(DType dtype)
    {
        var condition = Tensor.FromArray([true, false], [2, 1]);
        var a = Make(dtype, [3], 1, 2, 3);
        var b = Make(dtype, [2, 3], 10, 20, 30, 40, 50, 60);
        AssertValues(Tensor.Where(condition, a, b), [2, 3], 1, 2, 3, 40, 50, 60);
        // A mask made from numbers by To(DType.Bool): any non-zero counts as true.
        var c2 = Make(dtype, [3], -0.5, 0, 7).To(DType.Bool);
        AssertValues(Tensor.Where(c2, a, 0), [3], 1, 0, 3);
        AssertValues(Tensor.Where(c2, -1, a), [3], -1, 2, -1);
    }

    [Fact]
    public void Where_NonBoolCondition_IsRefused_AsPyTorch()
    {
        var condition = Tensor.FromArray(new float[] { 1, 0 }, [2]);
        var a = Tensor.FromArray([1.0, 2], [2]);
        var b = Tensor.FromArray([3.0, 4], [2]);
        AssertThrows<ArgumentException>(() => Tensor.Where(condition, a, b), "Where:", "expected condition to be a boolean tensor", "Float32");
        AssertThrows<ArgumentException>(() => a.MaskedFill(Tensor.FromArray([1L, 0L]), 0), "MaskedFill:", "boolean", "Int64");
        AssertValues(Tensor.Where(condition.To(DType.Bool), a, b), [2], 1, 4);
    }

    public static TheoryData<int[], int[], int[]> Shapes() => new()
    {
        { [4], [4], [4] },
        { [3, 1], [4], [3, 4] },
        { [2, 1, 4], [3, 1], [4] },
        { [], [2, 2], [] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Where_GradientsMatchFiniteDifferences_WithBroadcasting(int[] conditionShape, int[] shapeA, int[] shapeB)
    {
        var g = new Generator(61);
        var condition = Uniform(g, conditionShape, requiresGrad: false).Gt(0);
        var a = Uniform(g, shapeA);
        var b = Uniform(g, shapeB);
        CheckGradients(t => Tensor.Where(condition, t[0], t[1]), a, b);
        CheckGradients(t => Tensor.Where(condition, t[0] * t[0], t[1].Sin()), a, b);
    }

    [Fact]
    public void Where_GradientsMatchFiniteDifferences_OnNonContiguousInputs()
    {
        var g = new Generator(62);
        var x = Uniform(g, [3, 4]);
        var condition = Uniform(g, [4, 3], requiresGrad: false).Gt(0);
        CheckGradients(t => Tensor.Where(condition, t[0].T, t[0].T.Narrow(1, 0, 1)), x);
        CheckGradients(t => Tensor.Where(condition.T, t[0], 0.5), x);
        CheckGradients(t => Tensor.Where(condition[0], -0.5, t[0].Select(1, 1).Unsqueeze(1).Expand(3, 3)), x);
        var leaf = TransposedLeaf(g, 4, 3);
        CheckGradients(t => Tensor.Where(condition, t[0], t[0] * 2), leaf);
    }

    [Fact]
    public void Where_ConditionGetsNoGradient_AndUnselectedElementsGetZero()
    {
        var a = Tensor.FromArray([1.0, 2, 3], [3], requiresGrad: true);
        var b = Tensor.FromArray([4.0, 5, 6], [3], requiresGrad: true);
        var condition = Tensor.FromArray([true, false, true], [3]);
        Tensor.Where(condition, a, b).Sum().Backward();
        AssertValues(a.Grad!, [3], 1, 0, 1);
        AssertValues(b.Grad!, [3], 0, 1, 0);
        Assert.Null(condition.Grad);
    }

    [Fact]
    public void Where_UnselectedNaNBranch_DoesNotPoisonTheGradient()
    {
        // The classic masking pattern: the log of a negative is NaN, but Where's backward sends it a zero gradient.
        var x = Tensor.FromArray([-1.0, 4], [2], requiresGrad: true);
        AssertValues(GradOf(t => Tensor.Where(t.Gt(0), t.Log(), 0.0), x), [2], 0, 0.25);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void MaskedFill_ForwardValues(DType dtype)
    {
        var x = Make(dtype, [2, 2], 1, 2, 3, 4);
        var mask = Tensor.FromArray([false, true]);
        AssertValues(x.MaskedFill(mask, -9), [2, 2], 1, -9, 3, -9);
    }

    [Fact]
    public void MaskedFill_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(63);
        var x = Uniform(g, [3, 4]);
        var mask = Uniform(g, [4], requiresGrad: false).Gt(0);
        CheckGradients(t => t[0].MaskedFill(mask, 2.5), x);
        CheckGradients(t => t[0].T.MaskedFill(mask.Narrow(0, 0, 3), -1), x);
    }

    [Fact]
    public void Where_MixedBranchDTypes_Promote()
    {
        var condition = Tensor.FromArray([true, false]);
        var r = Tensor.Where(condition, Tensor.FromArray(new float[] { 0.1f, 1f }, [2]), Tensor.FromArray([3.0, 4.0], [2]));
        Assert.Equal(DType.Float64, r.DType);
        Assert.Equal(new[] { (double)0.1f, 4 }, r.ToDoubleArray());
        // torch.where(cond, int64, 0.5) is float32; with an integer scalar it stays int64.
        Assert.Equal(DType.Float32, Tensor.Where(condition, Tensor.FromArray([1L, 2L]), 0.5).DType);
        var ints = Tensor.Where(condition, Tensor.FromArray([1L, 2L]), 0);
        Assert.Equal(DType.Int64, ints.DType);
        Assert.Equal(new[] { 1L, 0 }, ints.ToLongArray());
    }

    [Fact]
    public void Where_ShapesThatDoNotBroadcast_Throw()
    {
        AssertThrows<ArgumentException>(() => Tensor.Where(Tensor.Ones(3).Gt(0), Tensor.Ones(2, 3), Tensor.Ones(2, 2)), "Where:", "[2, 3]", "[2, 2]");
        AssertThrows<ArgumentException>(() => Tensor.Where(Tensor.Ones(4).Gt(0), Tensor.Ones(2, 3), Tensor.Ones(3)), "Where:", "[4]", "[2, 3]");
    }

    [Fact]
    public void MaskedFill_MaskThatWouldGrowTheTensor_Throws()
    {
        AssertThrows<ArgumentException>(() => Tensor.Ones(3).MaskedFill(Tensor.Ones(2, 3).Gt(0), 0), "MaskedFill:", "[2, 3]", "[3]");
    }
}
