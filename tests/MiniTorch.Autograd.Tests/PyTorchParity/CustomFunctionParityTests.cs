using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.PyTorchParity;

/// <summary>
/// Custom functions ported from PyTorch's test_autograd.py: the same inputs and assertions, in MiniTorch's API
/// (a <see cref="Function"/> or <see cref="MultiOutputFunction"/> subclass instead of a class with static methods).
/// </summary>
public class CustomFunctionParityTests
{
    private static readonly Generator Rng = new(1813);

    private static Tensor Randn(params int[] shape) => Tensor.Randn(shape, DType.Float64, Rng);

    // test_function / test_once_differentiable: forward(ctx, tensor1, pyscalar, tensor2).
    private class MyFunction : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.Set("pyscalar", 2.0);
            ctx.SaveForBackward(inputs[0], inputs[1]);
            return inputs[0] + 2.0 * inputs[1] + inputs[0] * inputs[1];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var var1 = ctx.SavedTensors[0];
            var var2 = ctx.SavedTensors[1];
            double pyscalar = ctx.Get<double>("pyscalar");
            return [gradOutput + gradOutput * var2, gradOutput * pyscalar + gradOutput * var1];
        }
    }

    [OnceDifferentiable]
    private sealed class MyOnceFunction : MyFunction
    {
        public bool? GradEnabledInBackward { get; private set; }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            GradEnabledInBackward = Autograd.IsGradEnabled;
            return base.Backward(ctx, gradOutput);
        }
    }

    private static (Tensor X, Tensor Y) FunctionTest(Function f)
    {
        var x = Randn(5, 5).SetRequiresGrad();
        var y = Randn(5, 5).SetRequiresGrad();
        var result = f.Apply(x, y);
        var go = Tensor.Ones([], DType.Float64, requiresGrad: true);
        result.Sum().Backward(go, createGraph: true);
        AssertClose(y + Tensor.OnesLike(y), x.Grad!);
        AssertClose(x + Tensor.OnesLike(x) * 2, y.Grad!);
        Assert.NotNull(x.Grad!.GradFn);
        Assert.NotNull(y.Grad!.GradFn);
        return (x, y);
    }

    [Fact]
    public void TestFunction()
    {
        var (x, y) = FunctionTest(new MyFunction());
        // The backward was recorded (createGraph): x.grad = g·(1 + y), so d(Σ x.grad)/dy = 1.
        AssertClose(Tensor.OnesLike(y), Autograd.Grad(x.Grad!.Sum(), y));
    }

    [Fact]
    public void TestOnceDifferentiable()
    {
        var f = new MyOnceFunction();
        var (x, y) = FunctionTest(f);
        Assert.False(f.GradEnabledInBackward);
        // PyTorch: graph_desc(x.grad.grad_fn) contains Error(...); differentiating it raises.
        AssertThrows<AutogradException>(() => x.Grad!.Sum().Backward(), "trying to differentiate twice a function that was marked with @once_differentiable");
        AssertThrows<AutogradException>(() => Autograd.Grad(y.Grad!.Sum(), y), "trying to differentiate twice");
    }

    private sealed class ReturnsInput : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0];

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * 2];
    }

    [Fact]
    public void TestFunctionReturnsInput()
    {
        foreach (int[] shape in new[] { new[] { 1 }, Array.Empty<int>() })
        {
            var v = Tensor.Ones(shape, DType.Float64, requiresGrad: true);
            new ReturnsInput().Apply(v).Backward();
            AssertClose(Tensor.Full(shape, 2.0, DType.Float64), v.Grad!);
            using (Autograd.NoGrad())
            {
                v.Grad!.ZeroInPlace();
            }
            new ReturnsInput().Apply(v.Clone()).Backward();
            AssertClose(Tensor.Full(shape, 2.0, DType.Float64), v.Grad!);
        }
    }

    private sealed class ReturnsUndefined : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * 2;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [null];
    }

    [Fact]
    public void TestFunctionReturnsUndefinedTensor()
    {
        var x = Tensor.Ones([1], DType.Float64, requiresGrad: true);
        new ReturnsUndefined().Apply(x).Backward();
        Assert.Null(x.Grad);
        new ReturnsUndefined().Apply(x.Pow(2)).Backward();
        Assert.Null(x.Grad);
        new ReturnsUndefined().Apply(x).Sum().Backward();
        Assert.Null(x.Grad);
        Assert.Null(Autograd.Grad([new ReturnsUndefined().Apply(x)], [x], allowUnused: true)[0]);
    }

    private sealed class NoneGradientFunction : MultiOutputFunction
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs)
        {
            Assert.True(ctx.NeedsInputGrad(0));
            Assert.False(ctx.NeedsInputGrad(1));
            return [inputs[0], inputs[1]];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] gradOutputs) => [gradOutputs[0], null];
    }

    [Fact]
    public void TestHookNone()
    {
        bool wasCalled = false;
        var x = Randn(5, 5).SetRequiresGrad();
        var y = Randn(5, 5);
        var outputs = new NoneGradientFunction().Apply(x, y);
        var (rx, ry) = (outputs[0], outputs[1]);
        rx.RegisterHook(g =>
        {
            Assert.NotNull(g);
            wasCalled = true;
            return null;
        });
        Assert.True(ry.RequiresGrad); // an output of a recorded node, as in PyTorch, though y does not require grad
        (rx + ry).Sum().Backward();
        Assert.True(wasCalled);
    }

    private sealed class MultiOutputFn : MultiOutputFunction
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs) => [inputs[0][..5], inputs[0][5..]];

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] gradOutputs) => [Tensor.Cat([gradOutputs[0]!, gradOutputs[1]!])];
    }

    private sealed class SavesOutputNr : Function
    {
        public int? SeenOutputNr { get; private set; }

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0] * 2;
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            SeenOutputNr = ctx.SavedTensors[0].OutputNr;
            return [gradOutput * 2];
        }
    }

    [Fact]
    public void TestSaveOutputNr()
    {
        var x = Randn(10).SetRequiresGrad();
        var ab = new MultiOutputFn().Apply(x);
        Assert.Equal(1, ab[1].OutputNr);
        var test = new SavesOutputNr();
        test.Apply(ab[1]).Sum().Backward();
        Assert.Equal(1, test.SeenOutputNr);
        // Only b was used: a's gradient was materialized as zeros.
        AssertClose(Tensor.Cat([Tensor.Zeros([5], DType.Float64), Tensor.Full([5], 2.0, DType.Float64)]), x.Grad!);
    }

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
        AssertClose(Tensor.OnesLike(x) - mask, x.Grad!);
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
