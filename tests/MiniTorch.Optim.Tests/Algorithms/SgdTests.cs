using MiniTorch.Optim.Tests.Support;

namespace MiniTorch.Optim.Tests.Algorithms;

/// <summary>SGD against its documented update rule, written out in plain double arithmetic per element.</summary>
public class SgdTests
{
    private sealed class Element
    {
        public double? Buffer;
    }

    private static double[][] Reference(double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false) =>
        Trajectory.Reference(() => new Element(), (s, t, theta, g) =>
        {
            if (maximize)
            {
                g = -g;
            }
            g += weightDecay * theta;
            if (momentum != 0)
            {
                s.Buffer = s.Buffer is double b ? momentum * b + (1 - dampening) * g : g;
                g = nesterov ? g + momentum * s.Buffer.Value : s.Buffer.Value;
            }
            return theta - lr * g;
        });

    [Fact]
    public void PlainStepIsLearningRateTimesGradient()
    {
        var got = Trajectory.Run(p => new Sgd([p], lr: 0.1));
        Assert.Equal(1.0 - 0.1 * 0.5, got[0][0]);
        Trajectory.AssertClose(Reference(0.1), got);
    }

    [Fact]
    public void MomentumWithDampeningAndWeightDecay()
    {
        var got = Trajectory.Run(p => new Sgd([p], lr: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0.01));
        Trajectory.AssertClose(Reference(0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0.01), got);
        // The first step uses the undampened gradient: θ₁ = θ₀ − γ(g + λθ₀).
        Assert.Equal(1.0 - 0.05 * (0.5 + 0.01 * 1.0), got[0][0], 15);
    }

    [Fact]
    public void NesterovMomentum()
    {
        Trajectory.AssertClose(
            Reference(0.05, momentum: 0.9, weightDecay: 0.05, nesterov: true),
            Trajectory.Run(p => new Sgd([p], lr: 0.05, momentum: 0.9, weightDecay: 0.05, nesterov: true)));
    }

    [Fact]
    public void MaximizeAscendsTheGradient()
    {
        var got = Trajectory.Run(p => new Sgd([p], lr: 0.1, momentum: 0.5, maximize: true));
        Trajectory.AssertClose(Reference(0.1, momentum: 0.5, maximize: true), got);
        Assert.Equal(1.0 + 0.1 * 0.5, got[0][0], 15);
    }

    [Fact]
    public void MomentumBufferIsStateAndPlainSgdKeepsNone()
    {
        var p = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        var q = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        var withMomentum = new Sgd([p], lr: 0.1, momentum: 0.9);
        var plain = new Sgd([q], lr: 0.1);
        p.Grad = Tensor.FromArray(new[] { 1.0, -1.0 });
        q.Grad = Tensor.FromArray(new[] { 1.0, -1.0 });
        withMomentum.Step();
        plain.Step();
        Assert.Equal(new[] { 1.0, -1.0 }, withMomentum.GetState(p)![BufferNames.MomentumBuffer].ToDoubleArray());
        Assert.Null(plain.GetState(q));
    }

    [Fact]
    public void InvalidOptionsAreRejectedWithTheValue()
    {
        var p = new[] { Tensor.Zeros([2], requiresGrad: true) };
        var e1 = Assert.Throws<ArgumentException>(() => new Sgd(p, lr: -0.1));
        Assert.StartsWith("Invalid learning rate: -0.1; lr must be a finite number >= 0.", e1.Message);
        Assert.Equal("lr", e1.ParamName);
        Assert.StartsWith("Invalid learning rate: NaN", Assert.Throws<ArgumentException>(() => new Sgd(p, lr: double.NaN)).Message);
        Assert.StartsWith("Invalid learning rate: Infinity", Assert.Throws<ArgumentException>(() => new Sgd(p, lr: double.PositiveInfinity)).Message);
        var e2 = Assert.Throws<ArgumentException>(() => new Sgd(p, lr: 0.1, momentum: -0.5));
        Assert.StartsWith("Invalid momentum value: -0.5", e2.Message);
        Assert.Equal("momentum", e2.ParamName);
        var e3 = Assert.Throws<ArgumentException>(() => new Sgd(p, lr: 0.1, weightDecay: -1e-4));
        Assert.StartsWith("Invalid weight decay value: -0.0001", e3.Message);
        Assert.Equal("weightDecay", e3.ParamName);
        var e4 = Assert.Throws<ArgumentException>(() => new Sgd(p, lr: 0.1, dampening: double.NaN));
        Assert.StartsWith("Invalid dampening value: NaN; dampening must be a finite number.", e4.Message);
    }

    [Fact]
    public void NesterovRequiresMomentumAndZeroDampening()
    {
        var p = new[] { Tensor.Zeros([2], requiresGrad: true) };
        var e1 = Assert.Throws<ArgumentException>(() => new Sgd(p, lr: 0.1, nesterov: true));
        Assert.StartsWith("Nesterov momentum requires a momentum and zero dampening (got momentum 0, dampening 0).", e1.Message);
        Assert.Equal("nesterov", e1.ParamName);
        var e2 = Assert.Throws<ArgumentException>(() => new Sgd(p, lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true));
        Assert.StartsWith("Nesterov momentum requires a momentum and zero dampening (got momentum 0.9, dampening 0.1).", e2.Message);
    }
}
