using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.PyTorchParity;

/// <summary>The marks of a custom function's context (non-differentiable, dirty, materialized grads) and several outputs, ported from PyTorch's test_autograd.py.</summary>
public partial class CustomFunctionParityTests
{
    private sealed class MaskFunction : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            var output = inputs[0] > 0;
            ctx.MarkNonDifferentiable(output);
            return output;
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * 0];
    }

    [Fact]
    public void TestMarkNonDifferentiable()
    {
        var x = Randn(5, 5).SetRequiresGrad();
        var mask = new MaskFunction().Apply(x);
        Assert.False(mask.RequiresGrad);
        var y = x.MaskedFill(mask, 0);
        y.Sum().Backward();
        AssertClose(Tensor.OnesLike(x) - mask.To(x.DType), x.Grad!);
    }

    private sealed class MixedFunction : MultiOutputFunction
    {
        public bool Checked { get; private set; }

        protected override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs)
        {
            var a = inputs[0] + 1;
            var b = inputs[0] + 2;
            ctx.MarkNonDifferentiable(a);
            return [a, b];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] gradOutputs)
        {
            Assert.Equal(0.0, gradOutputs[0]!.Abs().Max().Item());
            Assert.Equal(1.0, gradOutputs[1]!.Min().Item());
            Assert.Equal(1.0, gradOutputs[1]!.Max().Item());
            Checked = true;
            return [gradOutputs[1]];
        }
    }

    [Fact]
    public void TestMarkNonDifferentiableMixed()
    {
        var x = Randn(5, 5).SetRequiresGrad();
        var f = new MixedFunction();
        var ab = f.Apply(x);
        Assert.False(ab[0].RequiresGrad);
        Assert.True(ab[1].RequiresGrad);
        ab[1].Sum().Backward();
        Assert.True(f.Checked);
        AssertClose(Tensor.OnesLike(x), x.Grad!);
    }

    private sealed class NonDifferentiableClone : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            var output = inputs[0].Clone();
            ctx.MarkNonDifferentiable(output);
            return output;
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [null];
    }

    [Fact]
    public void TestMarkNonDifferentiableNone()
    {
        var x = Randn(5, 5).SetRequiresGrad();
        var r = new NonDifferentiableClone().Apply(x * x);
        (r * x).Sum().Backward();
        AssertClose(x * x, x.Grad!); // only the direct use of x: r is a constant
    }

    private sealed class DoubleDuplicate : MultiOutputFunction
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs)
        {
            var output = inputs[0] * 2;
            return [output, output];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] gradOutputs) => [gradOutputs[0]! * 2 + gradOutputs[1]! * 2];
    }

    private sealed class DoubleInplace : MultiOutputFunction
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs)
        {
            inputs[0].MulInPlace(2);
            ctx.MarkDirty(inputs[0]);
            return [inputs[0], inputs[0]];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] gradOutputs) => [gradOutputs[0]! * 2 + gradOutputs[1]! * 2];
    }

    [Fact]
    public void TestReturnDuplicate()
    {
        Tensor Fn(Tensor[] x)
        {
            var ab = new DoubleDuplicate().Apply(x[0]);
            Assert.Same(ab[0], ab[1]);
            return ab[0] + ab[1];
        }
        var x = Randn(5, 5).SetRequiresGrad();
        CheckGradients(Fn, x);
    }

    [Fact]
    public void TestReturnDuplicateInplace()
    {
        Tensor InplaceFn(Tensor[] x)
        {
            var ab = new DoubleInplace().Apply(x[0].Clone());
            Assert.Same(ab[0], ab[1]);
            return ab[0] + ab[1];
        }
        var x = Randn(5, 5).SetRequiresGrad();
        CheckGradients(InplaceFn, x);
        // Can't modify leaf variables in-place; views modified in place are refused too (PyTorch allows one output).
        AssertThrows<AutogradException>(() => new DoubleInplace().Apply(x), "leaf Variable that requires grad");
        AssertThrows<AutogradException>(() => new DoubleInplace().Apply(x.Clone()[0]), "view");
    }

    private sealed class IdentityPair : MultiOutputFunction
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs) => [inputs[0], inputs[0] + inputs[1]];

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] gradOutputs) => [gradOutputs[0]! + gradOutputs[1]!, gradOutputs[1]];
    }

    [Fact]
    public void TestReturnLeaf()
    {
        bool hookCalled = false;
        var x = Randn(5, 5).SetRequiresGrad();
        var y = Randn(5, 5).SetRequiresGrad();
        var qp = new IdentityPair().Apply(x, y);
        var (q, p) = (qp[0], qp[1]);
        // Hooks only receive the gradient from uses of q, not of x.
        q.RegisterHook(g =>
        {
            hookCalled = true;
            AssertClose(Tensor.Ones([5, 5], DType.Float64), g);
            return null;
        });
        (q + p + x).Sum().Backward();
        AssertClose(Tensor.Ones([5, 5], DType.Float64) * 3, x.Grad!);
        AssertClose(Tensor.Ones([5, 5], DType.Float64), y.Grad!);
        Assert.True(hookCalled);
    }

    private sealed class Inplace : MultiOutputFunction
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.MarkDirty(inputs[0]);
            return [inputs[0].AddInPlace(inputs[1]), inputs[1] + 2];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] gradOutputs) => [gradOutputs[0], gradOutputs[0]! + gradOutputs[1]!];
    }

    [Fact]
    public void TestReturnLeafInplace()
    {
        var x = Randn(5, 5);
        var y = Randn(5, 5).SetRequiresGrad();
        int version = x.Version;
        var qp = new Inplace().Apply(x, y);
        var q = qp[0];
        Assert.Same(x, q);
        Assert.Equal("InplaceBackward", q.GradFn!.Name);
        Assert.True(q.RequiresGrad);
        Assert.NotEqual(version, x.Version);
        q.Sum().Backward();
        AssertClose(Tensor.Ones([5, 5], DType.Float64), y.Grad!);
    }

    private sealed class SavesNone : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(null, inputs[0], null);
            return inputs[0] * inputs[0];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var saved = ctx.SavedTensorsWithNulls;
            Assert.Null(saved[0]);
            Assert.Null(saved[2]);
            return [2 * saved[1]! * gradOutput];
        }
    }

    [Fact]
    public void TestSaveNoneForBackward()
    {
        var x = Randn(5, 5).SetRequiresGrad();
        new SavesNone().Apply(x).Sum().Backward();
        AssertClose(2 * x, x.Grad!);
    }

    private sealed class TooManyGrads : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0];

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput, null, null];
    }

    [Fact]
    public void TestTooManyGrads()
    {
        var x = Randn(5, 5).SetRequiresGrad();
        new TooManyGrads().Apply(x).Sum().Backward();
        AssertClose(Tensor.OnesLike(x), x.Grad!);
    }

    private sealed class UnusedOutputProbe : MultiOutputFunction
    {
        private readonly bool _materialize;

        public UnusedOutputProbe(bool materialize) => _materialize = materialize;

        public Tensor?[]? Received { get; private set; }

        protected override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SetMaterializeGrads(_materialize);
            ctx.SaveForBackward(inputs[0]);
            return [inputs[0].Sin(), inputs[0].Cos()];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] gradOutputs)
        {
            Received = (Tensor?[])gradOutputs.Clone();
            var x = ctx.SavedTensors[0];
            Tensor? grad = null;
            if (gradOutputs[0] is { } g0)
            {
                grad = g0 * x.Cos();
            }
            if (gradOutputs[1] is { } g1)
            {
                grad = grad is null ? -g1 * x.Sin() : grad - g1 * x.Sin();
            }
            return [grad];
        }
    }

    [Fact]
    public void UnusedOutputGetsZerosOrNullDependingOnMaterializeGrads()
    {
        // PyTorch's test_materialize_grads / test_dont_materialize_grads, with an unused output as the undefined gradient.
        foreach (bool materialize in new[] { true, false })
        {
            var x = Randn(4).SetRequiresGrad();
            var f = new UnusedOutputProbe(materialize);
            f.Apply(x)[1].Sum().Backward();
            if (materialize)
            {
                AssertClose(Tensor.ZerosLike(x), f.Received![0]!);
            }
            else
            {
                Assert.Null(f.Received![0]);
            }
            AssertClose(Tensor.OnesLike(x), f.Received[1]!);
            AssertClose(-x.Sin(), x.Grad!);
        }
    }

    private sealed class SinCosProduct : MultiOutputFunction
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0], inputs[1]);
            return [inputs[0].Sin() * inputs[1], inputs[0] + inputs[1] * inputs[1]];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            var x = ctx.SavedTensors[0];
            var y = ctx.SavedTensors[1];
            return [
                ctx.NeedsInputGrad(0) ? g[0]! * x.Cos() * y + g[1]! : null,
                ctx.NeedsInputGrad(1) ? g[0]! * x.Sin() + g[1]! * 2 * y : null,
            ];
        }

        protected override Tensor?[] Jvp(FunctionContext ctx, Tensor?[] t)
        {
            var x = ctx.SavedTensors[0];
            var y = ctx.SavedTensors[1];
            var tx = t[0] ?? Tensor.ZerosLike(x);
            var ty = t[1] ?? Tensor.ZerosLike(y);
            return [tx * x.Cos() * y + ty * x.Sin(), tx + ty * 2 * y];
        }
    }

    [Fact]
    public void MultiOutputFunctionPassesGradCheckGradGradCheckAndForwardChecks()
    {
        var x = Randn(3, 2).SetRequiresGrad();
        var y = Randn(3, 2).SetRequiresGrad();
        Assert.True(GradCheck.Check(t => new SinCosProduct().Apply(t[0], t[1]), [x, y]));
        Assert.True(GradCheck.GradGradCheck(t => new SinCosProduct().Apply(t[0], t[1]), [x, y]));
        Assert.True(GradCheck.CheckForward(t => new SinCosProduct().Apply(t[0], t[1]), [x, y]));
        Assert.True(GradCheck.CheckForwardReverseAgree(t => new SinCosProduct().Apply(t[0], t[1]), [x, y]));
        var outputs = new SinCosProduct().Apply(x, y);
        Assert.Same(outputs[0].GradFn, outputs[1].GradFn);
        Assert.Equal([0, 1], new[] { outputs[0].OutputNr, outputs[1].OutputNr });
    }

    [Fact]
    public void NeedsInputGradMatchesWhichInputsRequireGrad()
    {
        var x = Randn(3, 2).SetRequiresGrad();
        var y = Randn(3, 2);
        var outputs = new SinCosProduct().Apply(x, y);
        Assert.Equal(2, outputs[0].GradFn!.NextFunctions.Count);
        Assert.Null(outputs[0].GradFn!.NextFunctions[1]);
        outputs[0].Sum().Backward();
        AssertClose(x.Cos() * y, x.Grad!);
    }
}
