using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Where (tensor and scalar branches) and MaskedFill.</summary>
public class WhereTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Where_ForwardValues_BroadcastsAllThree(DType dtype)
    {
        var condition = Make(dtype, [2, 1], 1, 0);
        var a = Make(dtype, [3], 1, 2, 3);
        var b = Make(dtype, [2, 3], 10, 20, 30, 40, 50, 60);
        AssertValues(Tensor.Where(condition, a, b), [2, 3], 1, 2, 3, 40, 50, 60);
        // Any non-zero counts as true, as in a bool conversion.
        var c2 = Make(dtype, [3], -0.5, 0, 7);
        AssertValues(Tensor.Where(c2, a, 0), [3], 1, 0, 3);
        AssertValues(Tensor.Where(c2, -1, a), [3], -1, 2, -1);
    }

    [Fact]
    public void Where_ConditionOfTheOtherDType_IsAccepted()
    {
        // The condition is only read as true/false; its dtype need not match the branches'.
        var condition = Tensor.FromArray(new float[] { 1, 0 }, [2]);
        var a = Tensor.FromArray([1.0, 2], [2]);
        var b = Tensor.FromArray([3.0, 4], [2]);
        AssertValues(Tensor.Where(condition, a, b), [2], 1, 4);
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
        var condition = Tensor.FromArray([1.0, 0, 1], [3], requiresGrad: true);
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
        var mask = Make(dtype, [2], 0, 1);
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
    public void Where_MixedBranchDTypes_Throw()
    {
        var condition = Tensor.Ones(2);
        AssertThrows<ArgumentException>(() => Tensor.Where(condition, Tensor.Ones([2], DType.Float32), Tensor.Ones([2], DType.Float64)),
            "Where:", "Float32", "Float64");
    }

    [Fact]
    public void Where_ShapesThatDoNotBroadcast_Throw()
    {
        AssertThrows<ArgumentException>(() => Tensor.Where(Tensor.Ones(3), Tensor.Ones(2, 3), Tensor.Ones(2, 2)), "Where:", "[2, 3]", "[2, 2]");
        AssertThrows<ArgumentException>(() => Tensor.Where(Tensor.Ones(4), Tensor.Ones(2, 3), Tensor.Ones(3)), "Where:", "[4]", "[2, 3]");
    }

    [Fact]
    public void MaskedFill_MaskThatWouldGrowTheTensor_Throws()
    {
        AssertThrows<ArgumentException>(() => Tensor.Ones(3).MaskedFill(Tensor.Ones(2, 3), 0), "MaskedFill:", "[2, 3]", "[3]");
    }
}
