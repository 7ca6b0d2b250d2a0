using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Relu, LeakyRelu and Clamp.</summary>
public class ActivationsTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Relu_ForwardValues(DType dtype)
    {
        var x = Make(dtype, [2, 3], -2, -0.5, 0, 0.25, 1, 3);
        AssertValues(x.Relu(), [2, 3], 0, 0, 0, 0.25, 1, 3);
        AssertValues(x.T.Relu(), [3, 2], 0, 0.25, 0, 1, 0, 3);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void LeakyRelu_ForwardValues_DefaultSlopeIsPyTorchs001(DType dtype)
    {
        var x = Make(dtype, [4], -2, -0.5, 0, 3);
        AssertValues(x.LeakyRelu(), [4], -0.02, -0.005, 0, 3);
        AssertValues(x.LeakyRelu(0.2), [4], -0.4, -0.1, 0, 3);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Clamp_ForwardValues(DType dtype)
    {
        var x = Make(dtype, [5], -3, -1, 0, 1.5, 4);
        AssertValues(x.Clamp(-1, 2), [5], -1, -1, 0, 1.5, 2);
        AssertValues(x.Clamp(min: 0.5), [5], 0.5, 0.5, 0.5, 1.5, 4);
        AssertValues(x.Clamp(max: 0.5), [5], -3, -1, 0, 0.5, 0.5);
    }

    [Fact]
    public void Clamp_MinAboveMax_GivesMaxEverywhere_AsPyTorch()
    {
        var x = Tensor.FromArray([-3.0, 0, 5], [3]);
        AssertValues(x.Clamp(2, 1), [3], 1, 1, 1);
    }

    [Fact]
    public void Clamp_NaNInput_StaysNaN_AsPyTorch()
    {
        var x = Tensor.FromArray([double.NaN, 5], [2]);
        AssertValues(x.Clamp(0, 1), [2], double.NaN, 1);
    }

    [Fact]
    public void Activations_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(31);
        foreach (int[] shape in new[] { new[] { 6 }, new[] { 2, 3 }, Array.Empty<int>() })
        {
            // Away from the kink at 0; a finite difference only straddles a clamp bound if a value lies within
            // eps = 1e-6 of it, which these seeded draws do not (the check would fail loudly if they did).
            var x = AwayFromZero(g, shape, 0.2, 1.5);
            CheckGradients(t => t[0].Relu(), x);
            CheckGradients(t => t[0].LeakyRelu(), x);
            CheckGradients(t => t[0].LeakyRelu(0.3), x);
            CheckGradients(t => t[0].Clamp(-0.65, 0.75), x);
            CheckGradients(t => t[0].Clamp(min: 0.75), x);
            CheckGradients(t => t[0].Clamp(max: -0.65), x);
        }
    }

    [Fact]
    public void Activations_GradientsMatchFiniteDifferences_OnNonContiguousInputs()
    {
        var g = new Generator(32);
        var x = AwayFromZero(g, [3, 4], 0.2, 1.5);
        CheckGradients(t => t[0].T.Relu(), x);
        CheckGradients(t => t[0].Narrow(1, 1, 2).LeakyRelu(0.1), x);
        CheckGradients(t => t[0].Select(0, 2).Expand(2, 4).Clamp(-0.65, 0.75), x);
        var leaf = AwayFromZero(g, [4, 3], 0.2, 1.5, requiresGrad: false).T.SetRequiresGrad();
        CheckGradients(t => t[0].Relu() + t[0].LeakyRelu(0.2) + t[0].Clamp(-0.65, 0.75), leaf);
    }

    [Fact]
    public void Relu_GradientAtZeroIsZero_MatchesPyTorch()
    {
        var x = Tensor.FromArray([-1.0, 0, 2], [3], requiresGrad: true);
        AssertValues(GradOf(t => t.Relu(), x), [3], 0, 0, 1);
    }

    [Fact]
    public void LeakyRelu_GradientAtZeroIsTheSlope_MatchesPyTorch()
    {
        // PyTorch's leaky_relu_backward takes the x > 0 branch only for strictly positive x.
        var x = Tensor.FromArray([-1.0, 0, 2], [3], requiresGrad: true);
        AssertValues(GradOf(t => t.LeakyRelu(0.25), x), [3], 0.25, 0.25, 1);
    }

    [Fact]
    public void Clamp_GradientPassesOnTheBoundary_MatchesPyTorch()
    {
        // PyTorch's clamp_backward masks with min <= x <= max, so x exactly at a bound keeps its gradient.
        var x = Tensor.FromArray([-2.0, -1, 0, 1, 2], [5], requiresGrad: true);
        AssertValues(GradOf(t => t.Clamp(-1, 1), x), [5], 0, 1, 1, 1, 0);
        AssertValues(GradOf(t => t.Clamp(min: 0), x), [5], 0, 0, 1, 1, 1);
        AssertValues(GradOf(t => t.Clamp(max: 0), x), [5], 1, 1, 1, 0, 0);
    }

    [Fact]
    public void Activations_GradFnNamesFollowPyTorch()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        Assert.Equal("ReluBackward", x.Relu().GradFn!.Name);
        Assert.Equal("LeakyReluBackward", x.LeakyRelu().GradFn!.Name);
        Assert.Equal("ClampBackward", x.Clamp(0, 1).GradFn!.Name);
    }

    [Fact]
    public void Clamp_WithoutBounds_Throws()
    {
        AssertThrows<ArgumentException>(() => Tensor.Ones(2).Clamp(), "Clamp:", "min", "max", "must not be null");
    }

    [Fact]
    public void Clamp_NaNBound_Throws()
    {
        var x = Tensor.Ones(2);
        AssertThrows<ArgumentException>(() => x.Clamp(double.NaN, 1), "Clamp:", "NaN");
        AssertThrows<ArgumentException>(() => x.Clamp(0, double.NaN), "Clamp:", "NaN");
        // A single NaN bound is as invalid as a NaN in a pair of bounds.
        AssertThrows<ArgumentException>(() => x.Clamp(min: double.NaN), "Clamp:", "NaN");
        AssertThrows<ArgumentException>(() => x.Clamp(max: double.NaN), "Clamp:", "NaN");
    }
}
