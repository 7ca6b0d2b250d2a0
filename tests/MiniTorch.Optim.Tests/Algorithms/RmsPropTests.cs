using MiniTorch.Optim.Tests.Support;

namespace MiniTorch.Optim.Tests.Algorithms;

/// <summary>RMSprop against its update rule, written out in plain double arithmetic per element.</summary>
public class RmsPropTests
{
    private sealed class Element
    {
        public double SquareAvg;
        public double GradAvg;
        public double Buffer;
    }

    private static double[][] Reference(double lr, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false) =>
        Trajectory.Reference(() => new Element(), (s, t, theta, g) =>
        {
            if (maximize)
            {
                g = -g;
            }
            g += weightDecay * theta;
            s.SquareAvg = alpha * s.SquareAvg + (1 - alpha) * g * g;
            double variance = s.SquareAvg;
            if (centered)
            {
                s.GradAvg = alpha * s.GradAvg + (1 - alpha) * g;
                variance -= s.GradAvg * s.GradAvg;
            }
            double step = g / (Math.Sqrt(variance) + eps);
            if (momentum > 0)
            {
                s.Buffer = momentum * s.Buffer + step;
                step = s.Buffer;
            }
            return theta - lr * step;
        });

    [Fact]
    public void DefaultsFollowTheRule()
    {
        var got = Trajectory.Run(p => new RmsProp([p]));
        Trajectory.AssertClose(Reference(1e-2), got);
        // First step: v = 0.01·g², so θ moves by lr·g/(0.1|g|) = 10·lr in the direction of −g.
        Assert.Equal(1.0 - 0.1, got[0][0], 6);
    }

    [Fact]
    public void CenteredWithMomentumAndWeightDecay()
    {
        Trajectory.AssertClose(
            Reference(0.005, alpha: 0.9, eps: 1e-4, weightDecay: 0.1, momentum: 0.5, centered: true),
            Trajectory.Run(p => new RmsProp([p], lr: 0.005, alpha: 0.9, eps: 1e-4, weightDecay: 0.1, momentum: 0.5, centered: true)));
    }

    [Fact]
    public void MaximizeWithMomentum()
    {
        Trajectory.AssertClose(
            Reference(0.01, momentum: 0.9, maximize: true),
            Trajectory.Run(p => new RmsProp([p], lr: 0.01, momentum: 0.9, maximize: true)));
    }

    [Fact]
    public void StateHoldsOnlyTheBuffersTheOptionsNeed()
    {
        var p = Tensor.FromArray(new[] { 1.0 }, requiresGrad: true);
        var q = Tensor.FromArray(new[] { 1.0 }, requiresGrad: true);
        var plain = new RmsProp([p]);
        var full = new RmsProp([q], momentum: 0.5, centered: true);
        p.Grad = Tensor.FromArray(new[] { 1.0 });
        q.Grad = Tensor.FromArray(new[] { 1.0 });
        plain.Step();
        full.Step();
        Assert.Equal([BufferNames.SquareAvg], plain.GetState(p)!.Buffers.Keys);
        Assert.Equal(
            new[] { BufferNames.GradAvg, BufferNames.MomentumBuffer, BufferNames.SquareAvg },
            full.GetState(q)!.Buffers.Keys.Order());
        Assert.Equal(1, full.GetState(q)!.Step);
    }

    [Fact]
    public void InvalidOptionsAreRejectedWithTheValue()
    {
        var p = new[] { Tensor.Zeros([2], requiresGrad: true) };
        var e = Assert.Throws<ArgumentException>(() => new RmsProp(p, alpha: -0.99));
        Assert.StartsWith("Invalid alpha value: -0.99; alpha must be a finite number >= 0.", e.Message);
        Assert.Equal("alpha", e.ParamName);
        Assert.StartsWith("Invalid momentum value: -0.1", Assert.Throws<ArgumentException>(() => new RmsProp(p, momentum: -0.1)).Message);
        Assert.StartsWith("Invalid epsilon value: -1", Assert.Throws<ArgumentException>(() => new RmsProp(p, eps: -1)).Message);
        Assert.StartsWith("Invalid weight decay value: -2", Assert.Throws<ArgumentException>(() => new RmsProp(p, weightDecay: -2)).Message);
        Assert.StartsWith("Invalid learning rate: -0.01", Assert.Throws<ArgumentException>(() => new RmsProp(p, lr: -0.01)).Message);
    }
}
