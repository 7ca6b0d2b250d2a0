namespace MiniTorch.Plugins.Tests.Support;

/// <summary>Small custom ops, defined in the test assembly, for testing the contract and OpCheck without loading anything.</summary>
internal static class TestFunctions
{
    public static OpDefinition Op(string name, Func<Function> create, params OpSample[] samples) => new()
    {
        Name = name,
        Inputs = samples.Length > 0 ? Enumerable.Range(0, samples[0].InputShapes.Count).Select(i => $"x{i}").ToArray() : ["x0"],
        Create = _ => create(),
        Samples = samples,
    };

    /// <summary>x², correct.</summary>
    public sealed class Square : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0] * inputs[0];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * 2 * ctx.SavedTensors[0]];
    }

    /// <summary>x·y, correct, and careful about inputs that need no gradient.</summary>
    public sealed class Product : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0], inputs[1]);
            return inputs[0] * inputs[1];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var s = ctx.SavedTensors;
            return [ctx.NeedsInputGrad(0) ? gradOutput * s[1] : null, ctx.NeedsInputGrad(1) ? gradOutput * s[0] : null];
        }
    }

    /// <summary>x·y whose backward assumes both inputs need a gradient and reads one that was never saved.</summary>
    public sealed class CarelessProduct : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            // Saves only what "it knows" backward needs when both require grad: a bug when only one does.
            if (ctx.NeedsInputGrad(0) && ctx.NeedsInputGrad(1))
            {
                ctx.SaveForBackward(inputs[0], inputs[1]);
            }
            return inputs[0] * inputs[1];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var s = ctx.SavedTensors;
            return [gradOutput * s[1], gradOutput * s[0]];
        }
    }

    /// <summary>Doubles its input in place and returns it: an op must not modify its inputs.</summary>
    public sealed class DoubleInPlace : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0].MulInPlace(2);

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * 2];
    }

    /// <summary>x·2 with grad enabled, x·3 under NoGrad: a forward that depends on grad mode.</summary>
    public sealed class GradModeDependent : Function
    {
        private readonly bool _gradEnabledAtCall = Autograd.IsGradEnabled;

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * (_gradEnabledAtCall ? 2 : 3);

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * 2];
    }

    /// <summary>Returns float32 whatever its input: an op must keep its inputs' dtype.</summary>
    public sealed class AlwaysFloat32 : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0].To(DType.Float32) * 2;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [(gradOutput * 2).To(DType.Float64)];
    }

    /// <summary>x·2 whose backward returns null although the input needs a gradient.</summary>
    public sealed class ForgetsGradient : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * 2;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [null];
    }

    /// <summary>x·2 whose backward returns a float32 gradient for a float64 input.</summary>
    public sealed class Float32Gradient : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * 2;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [(gradOutput * 2).To(DType.Float32)];
    }

    /// <summary>A forward that throws, as a kernel does when its hardware is missing.</summary>
    public sealed class Throws : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => throw new InvalidOperationException("kernel not available on this CPU");

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput];
    }

    /// <summary>
    /// sin(x) whose backward is computed on plain arrays: the first derivative is right but records no graph, so
    /// the second derivative is zero instead of −sin(x); GradGradCheck catches it.
    /// </summary>
    public sealed class OnceDifferentiableSin : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0].Sin();
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var x = ctx.SavedTensors[0];
            var cos = Tensor.FromArray(x.ToDoubleArray().Select(Math.Cos).ToArray(), x.Shape).To(x.DType);
            return [gradOutput * cos];
        }
    }
}
