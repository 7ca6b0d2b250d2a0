using static MiniTorch.OpDatabase.Build;

namespace MiniTorch.OpDatabase;

/// <summary>
/// Compositions rather than single ops: shared inputs (gradients accumulate from several uses), chains of ops to
/// second order, the gradient of a convolution as a function (its own ops), and a custom Function with a JVP rule.
/// They name no API member; they test how the ops' rules compose.
/// </summary>
internal static class CompositeOps
{
    private const string ComposedOnnx = "a composition of ops that export; the table's single-op rows export each of them";

    public static IEnumerable<OpInfo> All() =>
    [
        new()
        {
            Name = "MlpLogSoftmax", GoldenKey = "mlp_log_softmax", Onnx = OnnxSupport.NotExportable(null, ComposedOnnx),
            Call = One(x => Tensor.Matmul((Tensor.Matmul(x[0], x[1]) + x[2]).Tanh(), x[3]).LogSoftmax(-1)),
            Samples = [Sample(Randn(4, 3), Randn(3, 5), Randn(5), Randn(5, 2)).Golden("mlp_log_softmax")],
        },
        new()
        {
            Name = "SwishPlusSquareMean", GoldenKey = "swish_plus_square_mean", Onnx = OnnxSupport.NotExportable(null, ComposedOnnx),
            Call = One(x => x[0] * x[0].Sigmoid() + x[0].Pow(2).Mean(0, keepDim: true)),
            Samples = [Sample(Randn(3, 4)).Golden("swish_plus_square_mean")],
        },
        new()
        {
            Name = "Conv2dInputGradient",
            Onnx = OnnxSupport.NotExportable("Conv2dInputGrad", "a convolution's gradient inside a traced forward has no ONNX lowering (the exporter says so)"),
            Call = One(x => Autograd.Grad([Tensor.Conv2d(x[0], x[1], padding: (1, 1)).Square().Sum()], [x[0]], createGraph: true)[0]!),
            Samples = [Sample(U(1, 2, 3, 3), U(2, 2, 2, 2))],
        },
        new()
        {
            Name = "Conv2dWeightGradient",
            Onnx = OnnxSupport.NotExportable("Conv2dWeightGrad", "a convolution's gradient inside a traced forward has no ONNX lowering (the exporter says so)"),
            Call = One(x => Autograd.Grad([Tensor.Conv2d(x[0], x[1], stride: (2, 2), groups: 2).Square().Sum()], [x[1]], createGraph: true)[0]!),
            Samples = [Sample(U(2, 2, 5, 5), U(2, 1, 3, 3))],
        },
        new()
        {
            Name = "CustomFunctionJvp",
            Onnx = OnnxSupport.NotExportable("CubeWithJvp", "a custom Function exports only with a lowering registered under its name (OnnxOpRegistry.Register)"),
            Call = One(x => new CubeWithJvp().Apply(x[0]) * x[1]),
            Samples = [Sample(U(3), U(3))],
        },
    ];

    /// <summary>x³ with both a backward and a forward-mode rule.</summary>
    private sealed class CubeWithJvp : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0] * inputs[0] * inputs[0];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var x = ctx.SavedTensors[0];
            return [gradOutput * 3 * x * x];
        }

        protected override Tensor? Jvp(FunctionContext ctx, Tensor?[] inputTangents)
        {
            var x = ctx.SavedTensors[0];
            return inputTangents[0] is { } t ? t * 3 * x * x : null;
        }
    }
}
