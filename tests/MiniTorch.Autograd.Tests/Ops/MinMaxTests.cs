using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Elementwise Maximum and Minimum.</summary>
public class MinMaxTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void MaximumMinimum_ForwardValues_WithBroadcasting(DType dtype)
    {
        var a = Make(dtype, [2, 1], 0, 2);
        var b = Make(dtype, [3], -1, 1, 3);
        AssertValues(Tensor.Maximum(a, b), [2, 3], 0, 1, 3, 2, 2, 3);
        AssertValues(Tensor.Minimum(a, b), [2, 3], -1, 0, 0, -1, 1, 2);
    }

    [Fact]
    public void MaximumMinimum_NaNPropagates_AsPyTorch()
    {
        var a = Tensor.FromArray([double.NaN, 1], [2]);
        var b = Tensor.FromArray([0.0, double.NaN], [2]);
        AssertValues(Tensor.Maximum(a, b), [2], double.NaN, double.NaN);
        AssertValues(Tensor.Minimum(a, b), [2], double.NaN, double.NaN);
    }

    [Fact]
    public void MaximumMinimum_GradientsMatchFiniteDifferences_OnNonContiguousInputs()
    {
        var g = new Generator(42);
        var x = Distinct(g, [3, 4]);
        // Column 0 meets itself here: a tie of one element with itself, whose halves add back up to 1 = d max(x, x)/dx.
        CheckGradients(t => Tensor.Maximum(t[0].T, t[0].T.Narrow(1, 0, 1)), x);
        CheckGradients(t => Tensor.Minimum(t[0].Narrow(1, 1, 3), t[0].Select(1, 0).Unsqueeze(1).Expand(3, 3)), x);
        var leaf = Distinct(g, [4, 3], requiresGrad: false).T.SetRequiresGrad();
        var other = Distinct(g, [3, 4]);
        CheckGradients(t => Tensor.Maximum(t[0], t[1]) + Tensor.Minimum(t[1], t[0]), leaf, other);
    }

    [Fact]
    public void Maximum_SplitsTheGradientEvenlyOnTies_MatchesPyTorch()
    {
        var a = Tensor.FromArray([1.0, 2, 3], [3], requiresGrad: true);
        var b = Tensor.FromArray([1.0, 5, 0], [3], requiresGrad: true);
        Tensor.Maximum(a, b).Sum().Backward();
        AssertValues(a.Grad!, [3], 0.5, 0, 1);
        AssertValues(b.Grad!, [3], 0.5, 1, 0);
    }

    [Fact]
    public void Minimum_SplitsTheGradientEvenlyOnTies_MatchesPyTorch()
    {
        var a = Tensor.FromArray([1.0, 2, 3], [3], requiresGrad: true);
        var b = Tensor.FromArray([1.0, 5, 0], [3], requiresGrad: true);
        Tensor.Minimum(a, b).Sum().Backward();
        AssertValues(a.Grad!, [3], 0.5, 1, 0);
        AssertValues(b.Grad!, [3], 0.5, 0, 1);
    }

    [Fact]
    public void Maximum_TiesWithABroadcastOperand_SumTheHalvesIntoIt()
    {
        // b = 2 is broadcast over a = [2, 2, 1]: two ties give b 0.5 + 0.5, the lost comparison gives b 1.
        var a = Tensor.FromArray([2.0, 2, 1], [3], requiresGrad: true);
        var b = Tensor.FromArray([2.0], [1], requiresGrad: true);
        Tensor.Maximum(a, b).Sum().Backward();
        AssertValues(a.Grad!, [3], 0.5, 0.5, 0);
        AssertValues(b.Grad!, [1], 2);
    }

    [Fact]
    public void MaximumMinimum_ShapesThatDoNotBroadcast_Throw()
    {
        AssertThrows<ArgumentException>(() => Tensor.Maximum(Tensor.Zeros(2, 3), Tensor.Zeros(2)), "Maximum:", "[2, 3]", "[2]");
        AssertThrows<ArgumentException>(() => Tensor.Minimum(Tensor.Zeros(4), Tensor.Zeros(3, 5)), "Minimum:", "[4]", "[3, 5]");
    }

    [Fact]
    public void MaximumMinimum_MixedDTypes_Promote()
    {
        var a = Tensor.FromArray(new float[] { 0.1f, 5f }, [2]);
        var b = Tensor.FromArray([0.1, 2.0], [2]);
        var max = Tensor.Maximum(a, b);
        var min = Tensor.Minimum(b, a);
        Assert.Equal(DType.Float64, max.DType);
        Assert.Equal(new[] { (double)0.1f, 5 }, max.ToDoubleArray()); // 0.1f > 0.1 in float64
        Assert.Equal(new[] { 0.1, 2 }, min.ToDoubleArray());
        var ints = Tensor.Maximum(Tensor.FromArray([3L, -4L]), Tensor.FromArray([1L, 9L]).To(DType.Int32));
        Assert.Equal(DType.Int64, ints.DType);
        Assert.Equal(new[] { 3L, 9 }, ints.ToLongArray());
    }

    private static int Numel(int[] shape) => shape.Aggregate(1, (n, d) => n * d);
}
