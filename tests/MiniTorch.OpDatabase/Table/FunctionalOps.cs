using MiniTorch.NN;
using static MiniTorch.OpDatabase.Build;
using F = MiniTorch.NN.Functional;

namespace MiniTorch.OpDatabase;

/// <summary>The NN library's <see cref="F"/> ops: activations, layers as functions, normalization and losses.</summary>
internal static class FunctionalOps
{
    public static IEnumerable<OpInfo> All() =>
    [
        new()
        {
            Name = "Functional.Gelu", Api = ["Functional.Gelu", "Tensor.Gelu"], Onnx = OnnxSupport.Export("Gelu", "Gelu"),
            Call = One((x, a) => F.Gelu(x[0], a.String("approximate") == "tanh" ? GeluApproximation.Tanh : GeluApproximation.None)),
            Samples =
            [
                Sample(U(2, 3)).With(Args(("approximate", "none"))),
                Sample(Transposed(3, 2, -3, 3)).With(Args(("approximate", "tanh"))),
                Sample(Randn(3, 5)).With(Args(("approximate", "none"))).Onnx(),
                Sample(Randn(3, 5)).With(Args(("approximate", "tanh"))).Onnx(),
            ],
        },
        new()
        {
            Name = "Functional.Dropout", Api = ["Functional.Dropout"],
            Onnx = OnnxSupport.NotExportable("Rand", "a random draw in a traced forward would be frozen into the graph; the exporter refuses Dropout in training mode"),
            // A fresh generator of a fixed seed per call: every evaluation of the finite differences draws the same mask.
            Call = One((x, a) => F.Dropout(x[0], a.Double("p"), a.Bool("training"), new Generator(5))),
            Samples = [Sample(U(3, 4)).With(Args(("p", 0.4), ("training", true))), Sample(Transposed(2, 3)).With(Args(("p", 0.5), ("training", false)))],
        },
        new()
        {
            Name = "Functional.Linear", Api = ["Functional.Linear"], Onnx = OnnxSupport.Export("Linear", "Gemm"),
            Call = One(x => F.Linear(x[0], x[1], x.Length > 2 ? x[2] : null)),
            Samples = [Sample(U(2, 3), U(4, 3), U(4)), Sample(U(2, 2, 3), Transposed(4, 3)), Sample(Randn(3, 5), Randn(4, 5), Randn(4)).Onnx()],
        },
        new()
        {
            Name = "Functional.Conv2d", Api = ["Functional.Conv2d"], Onnx = OnnxSupport.Export("Conv2d", "Conv"),
            Call = One(x => F.Conv2d(x[0], x[1], x[2], stride: 2, padding: (1, 0))),
            Samples = [Sample(U(1, 2, 5, 4), U(3, 2, 3, 2), U(3)), Sample(Randn(2, 2, 5, 5), Randn(3, 2, 3, 3), Randn(3)).Onnx()],
        },
        new()
        {
            Name = "Functional.MaxPool2d", Api = ["Functional.MaxPool2d"], Onnx = OnnxSupport.Export("MaxPool2d", "MaxPool"),
            Call = One(x => F.MaxPool2d(x[0], 2, stride: (1, 2), padding: 1)),
            Samples = [Sample(Distinct(1, 2, 3, 4)), Sample(Strided(Distinct(1, 2, 4, 3))), Sample(Randn(2, 2, 6, 5)).Onnx()],
        },
        new()
        {
            Name = "Functional.AvgPool2d", Api = ["Functional.AvgPool2d"], Onnx = OnnxSupport.Export("AvgPool2d", "AveragePool"),
            Call = One(x => F.AvgPool2d(x[0], (3, 2), stride: (2, 1), padding: 1, countIncludePad: false)),
            Samples = [Sample(U(1, 2, 5, 4)), Sample(TransposedLastTwo(1, 2, 4, 5)), Sample(Randn(2, 2, 6, 5)).Onnx()],
        },
        new()
        {
            Name = "Functional.AdaptiveAvgPool2d", Api = ["Functional.AdaptiveAvgPool2d"], Onnx = OnnxSupport.Export("AdaptiveAvgPool2d", "AveragePool"),
            Call = One(x => F.AdaptiveAvgPool2d(x[0], (2, 3))),
            Samples = [Sample(U(2, 1, 5, 4)), Sample(TransposedLastTwo(1, 2, 4, 5)), Sample(Randn(2, 2, 6, 6)).Onnx()],
        },
        new()
        {
            Name = "Functional.Embedding", Api = ["Functional.Embedding"], Onnx = OnnxSupport.Export("Embedding", "Gather"),
            Call = One((x, a) => F.Embedding(a.Tensor("indices"), x[0], a.NullableInt("padding_idx"))),
            Samples =
            [
                Sample(U(4, 3)).With(Args(("indices", IndexArg([0, 2, 1, 2], 2, 2)), ("padding_idx", null))),
                // PyTorch defines the padding row's gradient as zero (it is not the derivative), so finite differences do not apply.
                Sample(Transposed(4, 3)).With(Args(("indices", IndexArg([3, 1, 1], 3)), ("padding_idx", 1))).Kink("padding_idx: the padding row's gradient is zero by definition"),
                Sample(Transposed(4, 3)).With(Args(("indices", IndexArg([3, 0, 3], 3)), ("padding_idx", null))),
                Sample(Randn(4, 3)).With(Args(("indices", IndexArg([0, 2, 1, 3, 3, 0], 2, 3)), ("padding_idx", null))).OnnxFixed(),
            ],
        },
        new()
        {
            Name = "Functional.BatchNorm", Api = ["Functional.BatchNorm", "Tensor.BatchNormInference"], Onnx = OnnxSupport.Export("BatchNorm", "BatchNormalization"),
            // Running statistics are constants (evaluation) or absent (training: batch statistics, nothing updated).
            Call = One((x, a) => a.Bool("training")
                ? F.BatchNorm(x[0], null, null, x[1], x[2], training: true)
                : F.BatchNorm(x[0], a.Tensor("running_mean").To(x[0].DType), a.Tensor("running_var").To(x[0].DType), x[1], x[2])),
            Samples =
            [
                Sample(U(4, 3), U(3), U(3)).With(Args(("training", true))),
                Sample(U(2, 3, 2, 2), U(3), U(3)).With(Args(("training", true))),
                Sample(U(4, 3), U(3), U(3)).With(Args(("training", false), ("running_mean", TensorArg([0.1, -0.2, 0.3], 3)), ("running_var", TensorArg([0.5, 1.5, 2.0], 3)))),
                Sample(Transposed(4, 3), U(3), U(3)).With(Args(("training", false), ("running_mean", TensorArg([0.1, -0.2, 0.3], 3)), ("running_var", TensorArg([0.5, 1.5, 2.0], 3)))),
                Sample(Randn(3, 3), Randn(3), Randn(3)).With(Args(("training", false), ("running_mean", TensorArg([0.1, -0.2, 0.3], 3)), ("running_var", TensorArg([0.5, 1.5, 2.0], 3)))).Onnx(),
            ],
        },
        new()
        {
            Name = "Functional.LayerNorm", Api = ["Functional.LayerNorm", "Tensor.LayerNorm"], Onnx = OnnxSupport.Export("LayerNorm", "LayerNormalization"),
            Call = One(x => F.LayerNorm(x[0], [x[1].Shape[0]], x[1], x[2])),
            Samples = [Sample(U(2, 3, 4), U(4), U(4)), Sample(Transposed(3, 4), U(4), U(4)), Sample(Randn(3, 5), Randn(5), Randn(5)).Onnx()],
        },
        Loss("Functional.MseLoss", (x, r) => F.MseLoss(x[0], x[1], r), Sample(U(3, 4), U(3, 4)), Sample(Transposed(2, 3), U(2, 3)).With(Reduce("sum")), Sample(U(2, 3), U(2, 3)).With(Reduce("none"))),
        Loss("Functional.L1Loss", (x, r) => F.L1Loss(x[0], x[1], r), Sample(Split([3, 4], [3, 4])), Sample(Split([2, 3], [2, 3])).With(Reduce("none")),
            Sample(Strided(Split([3, 4], [3, 4]))).With(Reduce("sum"))),
        Loss("Functional.BinaryCrossEntropyWithLogits", (x, r) => F.BinaryCrossEntropyWithLogits(x[0], x[1], reduction: r),
            Sample(Randn(3, 4), Uniform(0, 1, 3, 4)), Sample(Randn(2, 3), Uniform(0, 1, 2, 3)).With(Reduce("sum")),
            Sample(Transposed(3, 4, -3, 3), Uniform(0, 1, 3, 4)).With(Reduce("none"))),
        new()
        {
            Name = "Functional.CrossEntropy", Api = ["Functional.CrossEntropy"], Onnx = OnnxSupport.NotExportable(null, LossReason),
            Call = One((x, a) => F.CrossEntropy(x[0], a.Tensor("target"), reduction: Reduction(a))),
            Samples =
            [
                Sample(Randn(4, 3)).With(Args(("target", IndexArg([0, 2, 1, 2], 4)), ("reduction", "mean"))),
                Sample(Transposed(3, 4)).With(Args(("target", IndexArg([3, 0, 1], 3)), ("reduction", "sum"))),
            ],
        },
        new()
        {
            Name = "Functional.NllLoss", Api = ["Functional.NllLoss"], Onnx = OnnxSupport.NotExportable(null, LossReason),
            Call = One((x, a) => F.NllLoss(x[0], a.Tensor("target"), reduction: Reduction(a))),
            Samples =
            [
                Sample(Randn(4, 3)).With(Args(("target", IndexArg([0, 2, 1, 2], 4)), ("reduction", "mean"))),
                Sample(Transposed(4, 3)).With(Args(("target", IndexArg([1, 0, 2, 2], 4)), ("reduction", "none"))),
            ],
        },
    ];

    private const string LossReason = "losses are training-time functions; export the model, not its loss (the loss traces as ops that may not all export)";

    private static OpArgs Reduce(string reduction) => Args(("reduction", reduction));

    private static Reduction Reduction(OpArgs a) => (a.Find("reduction") as string ?? "mean") switch
    {
        "sum" => NN.Reduction.Sum,
        "none" => NN.Reduction.None,
        _ => NN.Reduction.Mean,
    };

    private static OpInfo Loss(string name, Func<Tensor[], Reduction, Tensor> f, params OpSample[] samples) => new()
    {
        Name = name, Api = [name], Samples = samples,
        Call = One((x, a) => f(x, Reduction(a))),
        Onnx = OnnxSupport.NotExportable(null, LossReason),
    };
}
