using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.PyTorchParity;

/// <summary>
/// Custom functions ported from PyTorch's test_autograd.py: the same inputs and assertions, in MiniTorch's API
/// (a <see cref="Function"/> or <see cref="MultiOutputFunction"/> subclass instead of a class with static methods).
/// </summary>
public partial class CustomFunctionParityTests
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
}
