using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Pow with a scalar or a tensor exponent, and Square.</summary>
public class PowTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void PowScalar_ForwardValues(DType dtype)
    {
        var x = Make(dtype, [4], 0.5, 1, 2, 4);
        AssertValues(x.Pow(2), [4], 0.25, 1, 4, 16);
        AssertValues(x.Pow(0.5), [4], Math.Sqrt(0.5), 1, Math.Sqrt(2), 2);
        AssertValues(x.Pow(-1), [4], 2, 1, 0.5, 0.25);
        AssertValues(x.Pow(0), [4], 1, 1, 1, 1);
        AssertValues(x.Square(), [4], 0.25, 1, 4, 16);
        AssertValues(Make(dtype, [2], -2, -0.5).Pow(3), [2], -8, -0.125);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void PowTensor_ForwardValues_WithBroadcasting(DType dtype)
    {
        var a = Make(dtype, [2, 1], 2, 3);
        var b = Make(dtype, [3], 0, 1, 2.5);
        AssertValues(Tensor.Pow(a, b), [2, 3], 1, 2, Math.Pow(2, 2.5), 1, 3, Math.Pow(3, 2.5));
        AssertValues(a.Pow(b), [2, 3], 1, 2, Math.Pow(2, 2.5), 1, 3, Math.Pow(3, 2.5));
    }

    [Fact]
    public void PowScalar_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(51);
        foreach (int[] shape in new[] { new[] { 5 }, new[] { 2, 3 }, Array.Empty<int>() })
        {
            var positive = Uniform(g, shape, 0.3, 2);
            CheckGradients(t => t[0].Pow(2.5), positive);
            CheckGradients(t => t[0].Pow(-1.5), positive);
            CheckGradients(t => t[0].Pow(0.5), positive);
            // Integer exponents are defined for negative bases too.
            var signed = AwayFromZero(g, shape, 0.3, 1.5);
            CheckGradients(t => t[0].Pow(3), signed);
            CheckGradients(t => t[0].Pow(-2), signed);
            CheckGradients(t => t[0].Square(), signed);
            CheckGradients(t => t[0].Pow(1), signed);
            CheckGradients(t => t[0].Pow(0), signed);
        }
    }

    [Fact]
    public void Pow_GradientsMatchFiniteDifferences_OnNonContiguousInputs()
    {
        var g = new Generator(53);
        var a = Uniform(g, [3, 4], 0.4, 2);
        var b = Uniform(g, [4, 3], -1, 2);
        CheckGradients(t => Tensor.Pow(t[0].T, t[1]), a, b);
        CheckGradients(t => Tensor.Pow(t[0].Narrow(0, 1, 2), t[1].Select(1, 2).Expand(2, 4)), a, b);
        CheckGradients(t => t[0].Permute(1, 0).Pow(1.5), a);
        var leaf = TransposedLeaf(g, 2, 3, 0.4, 2);
        CheckGradients(t => t[0].Pow(t[0]), leaf);
    }

    [Fact]
    public void PowScalar_ExponentZero_GradientIsExactlyZeroAtZero_MatchesPyTorch()
    {
        // PyTorch masks exponent 0 to a zero gradient; the formula 0 · x⁻¹ would give NaN at x = 0.
        var x = Tensor.FromArray([0.0, 2], [2], requiresGrad: true);
        AssertValues(GradOf(t => t.Pow(0), x), [2], 0, 0);
    }

    [Fact]
    public void PowScalar_GradientOfSquareIsTwoX()
    {
        var x = Tensor.FromArray([-3.0, 0, 1.5], [3], requiresGrad: true);
        AssertValues(GradOf(t => t.Pow(2), x), [3], -6, 0, 3);
        AssertValues(GradOf(t => t.Square(), x), [3], -6, 0, 3);
    }

    [Fact]
    public void PowTensor_ZeroExponent_GivesTheBaseAZeroGradient_MatchesPyTorch()
    {
        // pow_backward_self: where(exponent == 0, 0, grad · b · a^(b−1)); at a = 0 the formula would be 0 · 0⁻¹ = NaN.
        var a = Tensor.FromArray([0.0, 2], [2], requiresGrad: true);
        var b = Tensor.FromArray([0.0, 0], [2]);
        AssertValues(GradOf(t => Tensor.Pow(t, b), a), [2], 0, 0);
    }

    [Fact]
    public void PowTensor_ZeroBaseNonNegativeExponent_GivesTheExponentAZeroGradient_MatchesPyTorch()
    {
        // pow_backward_exponent: aᵇ·ln a is taken as 0 where a = 0 and b ≥ 0 (ln 0 = −inf would give NaN or −inf).
        var a = Tensor.FromArray([0.0, 0, 2], [3]);
        var b = Tensor.FromArray([0.0, 2, 3], [3], requiresGrad: true);
        AssertValues(GradOf(t => Tensor.Pow(a, t), b), [3], 0, 0, 8 * Math.Log(2));
    }

    [Fact]
    public void Pow_GradFnNameFollowsPyTorch()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        Assert.Equal("PowBackward", x.Pow(2).GradFn!.Name);
        Assert.Equal("PowBackward", x.Pow(x).GradFn!.Name);
    }

    [Fact]
    public void PowTensor_ShapesThatDoNotBroadcast_Throw()
    {
        AssertThrows<ArgumentException>(() => Tensor.Pow(Tensor.Ones(2, 3), Tensor.Ones(2)), "Pow:", "[2, 3]", "[2]", "cannot be broadcast");
    }

    [Fact]
    public void PowTensor_MixedDTypes_Promote_AsPyTorch()
    {
        // torch.pow(float64, float32) is float64, computed from the float32 value widened exactly.
        var a = Tensor.FromArray([2.0, 3.0], [2]);
        var b = Tensor.FromArray(new float[] { 0.1f, 2f }, [2]);
        var r = a.Pow(b);
        Assert.Equal(DType.Float64, r.DType);
        Assert.Equal(new[] { Math.Pow(2.0, (double)0.1f), 9.0 }, r.ToDoubleArray());
        Assert.Equal(DType.Float32, Tensor.Pow(b, Tensor.FromArray([2L, 3L])).DType);
    }
}
