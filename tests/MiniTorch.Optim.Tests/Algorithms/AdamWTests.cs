using MiniTorch.Optim.Tests.Support;

namespace MiniTorch.Optim.Tests.Algorithms;

/// <summary>AdamW: Adam with the weight decay applied to the parameter, not the gradient.</summary>
public class AdamWTests
{
    [Fact]
    public void DefaultWeightDecayIsDecoupled()
    {
        var got = Trajectory.Run(p => new AdamW([p]));
        Trajectory.AssertClose(AdamTests.Reference(1e-3, weightDecay: 0.01, decoupled: true), got);
    }

    [Fact]
    public void AmsgradAndMaximize()
    {
        Trajectory.AssertClose(
            AdamTests.Reference(0.02, weightDecay: 0.2, amsgrad: true, maximize: true, decoupled: true),
            Trajectory.Run(p => new AdamW([p], lr: 0.02, weightDecay: 0.2, amsgrad: true, maximize: true)));
    }

    [Fact]
    public void WithZeroGradientOnlyTheDecayMovesTheParameter()
    {
        // Adam's L2 term would enter the moments and move θ by about lr per step; AdamW shrinks θ by (1 − γλ) exactly.
        var p = Tensor.FromArray(new[] { 2.0, -4.0 }, requiresGrad: true);
        var q = Tensor.FromArray(new[] { 2.0, -4.0 }, requiresGrad: true);
        var adamW = new AdamW([p], lr: 0.1, weightDecay: 0.5);
        var adam = new Adam([q], lr: 0.1, weightDecay: 0.5);
        for (int t = 0; t < 3; t++)
        {
            p.Grad = Tensor.ZerosLike(p);
            q.Grad = Tensor.ZerosLike(q);
            adamW.Step();
            adam.Step();
        }
        Assert.Equal(new[] { 2.0 * Math.Pow(0.95, 3), -4.0 * Math.Pow(0.95, 3) }, p.ToDoubleArray());
        var adamMoved = q.ToDoubleArray();
        Assert.Equal(2.0 - 0.3, adamMoved[0], 1e-3);
        Assert.Equal(-4.0 + 0.3, adamMoved[1], 1e-3);
    }

    [Fact]
    public void InvalidOptionsAreRejectedWithTheValue()
    {
        var p = new[] { Tensor.Zeros([2], requiresGrad: true) };
        Assert.StartsWith("Invalid weight decay value: -0.01", Assert.Throws<ArgumentException>(() => new AdamW(p, weightDecay: -0.01)).Message);
        Assert.StartsWith("Invalid beta parameter at index 1: 1;", Assert.Throws<ArgumentException>(() => new AdamW(p, betas: (0.9, 1.0))).Message);
        Assert.StartsWith("Invalid learning rate: -1", Assert.Throws<ArgumentException>(() => new AdamW(p, lr: -1)).Message);
        Assert.StartsWith("Invalid epsilon value: NaN", Assert.Throws<ArgumentException>(() => new AdamW(p, eps: double.NaN)).Message);
        Assert.Equal(0.01, new AdamW(p).ParamGroups[0].WeightDecay);
    }
}
