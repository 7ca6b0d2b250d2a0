namespace MiniTorch.Tests.Testing;

/// <summary>The forward-mode checks catch wrong JVP rules, naming where.</summary>
public class GradCheckForwardTests
{
    /// <summary>sin(x) whose forward rule is off by a factor 2 while its backward is right.</summary>
    private sealed class BadJvpSine : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0].Sin();
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * ctx.SavedTensors[0].Cos()];

        protected override Tensor? Jvp(FunctionContext ctx, Tensor?[] inputTangents) => inputTangents[0]! * ctx.SavedTensors[0].Cos() * 2;
    }

    [Fact]
    public void CheckForwardNamesTheMismatch()
    {
        var x = Tensor.FromArray([0.1, 0.7, -0.4], requiresGrad: true);
        var e = Assert.Throws<GradCheckException>(() => GradCheck.CheckForward(t => new BadJvpSine().Apply(t[0]), [x]));
        Assert.Contains("Jacobian-vector product mismatch for output 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("input 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected (numerical)", e.Message, StringComparison.Ordinal);
        Assert.Contains("got (forward mode)", e.Message, StringComparison.Ordinal);
        Assert.False(GradCheck.CheckForward(t => new BadJvpSine().Apply(t[0]), [x], raiseException: false));
        // The backward is right, so reverse-mode GradCheck passes.
        Assert.True(GradCheck.Check(t => new BadJvpSine().Apply(t[0]), [x]));
    }

    [Fact]
    public void CheckForwardReverseAgreeCatchesAJvpThatIsNotTheTransposeOfTheBackward()
    {
        var x = Tensor.FromArray([0.1, 0.7], requiresGrad: true);
        var e = Assert.Throws<GradCheckException>(() => GradCheck.CheckForwardReverseAgree(t => new BadJvpSine().Apply(t[0]), [x]));
        Assert.Contains("Forward and reverse mode disagree for output 0 with respect to input 0: at input index [0]", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected (reverse mode)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckForwardRejectsFloat32Inputs()
    {
        var x = Tensor.FromArray([0.1f], requiresGrad: true);
        Assert.Throws<ArgumentException>(() => GradCheck.CheckForward(t => t[0].Sin(), [x]));
    }

    [Fact]
    public void CheckForwardLeavesTheInputsUnchanged()
    {
        var x = Tensor.FromArray([0.1, 0.7, -0.4], requiresGrad: true);
        var before = x.ToDoubleArray();
        Assert.True(GradCheck.CheckForward(t => t[0].Exp() * t[0], [x]));
        Assert.Equal(before, x.ToDoubleArray());
        Assert.False(ForwardAD.IsActive);
    }
}
