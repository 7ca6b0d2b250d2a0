using MiniTorch.Optim.Tests.Support;

namespace MiniTorch.Optim.Tests.Algorithms;

/// <summary>Adam against its update rule, written out in plain double arithmetic per element.</summary>
public class AdamTests
{
    internal sealed class Element
    {
        public double M;
        public double V;
        public double VMax;
    }

    /// <summary>
    /// Adam as PyTorch implements it. With AMSGrad PyTorch keeps the maximum of the raw second moment v and then
    /// bias-corrects it with the current step (its docs' pseudo-code takes the maximum of the corrected v̂ instead);
    /// the implementation is what the golden data from PyTorch confirms, so that is the reference here.
    /// </summary>
    internal static double[][] Reference(double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false, bool decoupled = false) =>
        Trajectory.Reference(() => new Element(), (s, t, theta, g) =>
        {
            if (maximize)
            {
                g = -g;
            }
            if (decoupled)
            {
                theta *= 1 - lr * weightDecay;
            }
            else
            {
                g += weightDecay * theta;
            }
            s.M = beta1 * s.M + (1 - beta1) * g;
            s.V = beta2 * s.V + (1 - beta2) * g * g;
            s.VMax = Math.Max(s.VMax, s.V);
            double mHat = s.M / (1 - Math.Pow(beta1, t));
            double vHat = (amsgrad ? s.VMax : s.V) / (1 - Math.Pow(beta2, t));
            return theta - lr * mHat / (Math.Sqrt(vHat) + eps);
        });

    [Fact]
    public void DefaultsFollowTheRule()
    {
        var got = Trajectory.Run(p => new Adam([p]));
        Trajectory.AssertClose(Reference(1e-3), got);
        // The first step moves each element by about lr·sign(g): m̂ = g and √v̂ = |g|.
        Assert.Equal(1.0 - 1e-3 * 0.5 / (0.5 + 1e-8), got[0][0], 14);
    }

    [Fact]
    public void CustomBetasEpsAndWeightDecay()
    {
        Trajectory.AssertClose(
            Reference(0.01, beta1: 0.8, beta2: 0.95, eps: 1e-3, weightDecay: 0.1),
            Trajectory.Run(p => new Adam([p], lr: 0.01, betas: (0.8, 0.95), eps: 1e-3, weightDecay: 0.1)));
    }

    [Fact]
    public void AmsgradUsesTheLargestSecondMoment()
    {
        // β₂ = 0.5 lets v fall between steps (0.125 → 0.1075 for the first element), where AMSGrad keeps the maximum.
        var got = Trajectory.Run(p => new Adam([p], lr: 0.05, betas: (0.9, 0.5), amsgrad: true));
        Trajectory.AssertClose(Reference(0.05, beta2: 0.5, amsgrad: true), got);
        var plain = Trajectory.Run(p => new Adam([p], lr: 0.05, betas: (0.9, 0.5)));
        Assert.Equal(plain[0][0], got[0][0]);
        Assert.True(Math.Abs(plain[1][0] - got[1][0]) > 1e-4);
    }

    [Fact]
    public void MaximizeWithWeightDecay()
    {
        Trajectory.AssertClose(
            Reference(0.01, weightDecay: 0.05, maximize: true),
            Trajectory.Run(p => new Adam([p], lr: 0.01, weightDecay: 0.05, maximize: true)));
    }

    [Fact]
    public void StateHoldsStepCountAndMoments()
    {
        var p = Tensor.FromArray(new[] { 1.0, -1.0 }, requiresGrad: true);
        var adam = new Adam([p], lr: 0.1, amsgrad: true);
        p.Grad = Tensor.FromArray(new[] { 2.0, 0.0 });
        adam.Step();
        adam.Step();
        var state = adam.GetState(p)!;
        Assert.Equal(2, state.Step);
        Assertions.Close([0.1 * 2 * 0.9 + 0.1 * 2, 0.0], state[BufferNames.ExpAvg].ToDoubleArray(), 1e-15);
        Assertions.Close([0.001 * 4 * 0.999 + 0.001 * 4, 0.0], state[BufferNames.ExpAvgSq].ToDoubleArray(), 1e-15);
        Assert.Equal(state[BufferNames.ExpAvgSq].ToDoubleArray(), state[BufferNames.MaxExpAvgSq].ToDoubleArray());
    }

    [Fact]
    public void InvalidOptionsAreRejectedWithTheValue()
    {
        var p = new[] { Tensor.Zeros([2], requiresGrad: true) };
        Assert.StartsWith("Invalid learning rate: -0.001", Assert.Throws<ArgumentException>(() => new Adam(p, lr: -1e-3)).Message);
        var e1 = Assert.Throws<ArgumentException>(() => new Adam(p, betas: (1.0, 0.999)));
        Assert.StartsWith("Invalid beta parameter at index 0: 1; betas must lie in [0, 1).", e1.Message);
        Assert.Equal("betas", e1.ParamName);
        var e2 = Assert.Throws<ArgumentException>(() => new Adam(p, betas: (0.9, -0.1)));
        Assert.StartsWith("Invalid beta parameter at index 1: -0.1", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => new Adam(p, eps: -1e-8));
        Assert.StartsWith("Invalid epsilon value: -1E-08", e3.Message);
        Assert.Equal("eps", e3.ParamName);
        Assert.StartsWith("Invalid weight decay value: -0.5", Assert.Throws<ArgumentException>(() => new Adam(p, weightDecay: -0.5)).Message);
    }
}
