using static MiniTorch.OpDatabase.Build;

namespace MiniTorch.OpDatabase;

/// <summary>Where, MaskedFill (Bool masks) and the comparisons (Bool results, no gradient).</summary>
internal static class SelectionOps
{
    private static readonly TensorValue Row5 = MaskArg([1, 0, 0, 1, 1], 5);

    public static IEnumerable<OpInfo> All() =>
    [
        new()
        {
            Name = "Where", Api = ["Tensor.Where"], GoldenKey = "where", Onnx = OnnxSupport.Export("Where", "Where"),
            // The golden file (ops.json) stores the condition as numbers: read non-zero as true.
            Call = One((x, a) => Tensor.Where(AsMask(a.Tensor("condition")), x[0], x[1])),
            Samples =
            [
                Sample(Randn(3, 4), Randn(3, 4)).With(Args(("condition", MaskArg([1.0, 0.0, 1.0, 1.0], 4)))).Golden("where_broadcast_condition"),
                Sample(Randn(3, 1), Randn(1, 4)).With(Args(("condition", MaskArg([1.0, 0.0, 0.0, 1.0, 0.0, 1.0], 2, 3, 1)))).Golden("where_broadcast_all"),
                Sample(Distinct(2, 3), Distinct(3)).With(Args(("condition", MaskArg([1, 0, 1, 0, 0, 1], 2, 3)))),
                Sample(Randn(3, 5), Randn(5)).With(Args(("condition", Row5))).Onnx(),
            ],
        },
        new()
        {
            Name = "WhereTensorScalar", Api = ["Tensor.Where"], Onnx = OnnxSupport.Export("Where", "Where"),
            Call = One((x, a) => Tensor.Where(a.Tensor("condition"), x[0], a.Double("scalar"))),
            Samples =
            [
                Sample(AwayFromZero(4)).With(Args(("condition", MaskArg([1, 0, 0, 1], 4)), ("scalar", 0.5))),
                Sample(Transposed(2, 2)).With(Args(("condition", MaskArg([1, 0], 2)), ("scalar", -0.5))),
                Sample(Randn(3, 5)).With(Args(("condition", Row5), ("scalar", -1.0))).Onnx(),
            ],
        },
        new()
        {
            Name = "WhereScalarTensor", Api = ["Tensor.Where"], Onnx = OnnxSupport.Export("Where", "Where"),
            Call = One((x, a) => Tensor.Where(a.Tensor("condition"), a.Double("scalar"), x[0])),
            Samples =
            [
                Sample(AwayFromZero(4)).With(Args(("condition", MaskArg([0, 1, 1, 0], 4)), ("scalar", 1.5))),
                Sample(Transposed(3, 5)).With(Args(("condition", Row5), ("scalar", 2.0))).Onnx(),
            ],
        },
        new()
        {
            Name = "MaskedFill", Api = ["Tensor.MaskedFill"], Onnx = OnnxSupport.Export("Where", "Where"),
            Call = One((x, a) => x[0].MaskedFill(a.Tensor("mask"), a.Double("value"))),
            Samples =
            [
                Sample(AwayFromZero(2, 2)).With(Args(("mask", MaskArg([1, 0, 0, 1], 2, 2)), ("value", 2.0))),
                Sample(Sliced(2, 3)).With(Args(("mask", MaskArg([0, 1, 1], 3)), ("value", -3.0))),
                Sample(Randn(3, 5)).With(Args(("mask", Row5), ("value", 9.0))).Onnx(),
            ],
        },
        Comparison("Eq", "Equal", (x, y) => x.Eq(y), (x, s) => x.Eq(s), ["Tensor.Eq"]),
        Comparison("Ne", "Not", (x, y) => x.Ne(y), (x, s) => x.Ne(s), ["Tensor.Ne"]),
        Comparison("Lt", "Less", (x, y) => x < y, (x, s) => x < s, ["Tensor.Lt", "Tensor.op_LessThan"]),
        Comparison("Le", "LessOrEqual", (x, y) => x <= y, (x, s) => x <= s, ["Tensor.Le", "Tensor.op_LessThanOrEqual"]),
        Comparison("Gt", "Greater", (x, y) => x > y, (x, s) => x > s, ["Tensor.Gt", "Tensor.op_GreaterThan"]),
        Comparison("Ge", "GreaterOrEqual", (x, y) => x >= y, (x, s) => x >= s, ["Tensor.Ge", "Tensor.op_GreaterThanOrEqual"]),
    ];

    /// <summary>A comparison: against a tensor, or against the <c>scalar</c> argument when there is one.</summary>
    private static OpInfo Comparison(string name, string onnxOp, Func<Tensor, Tensor, Tensor> tensor, Func<Tensor, double, Tensor> scalar, string[] api) => new()
    {
        Name = name, Api = api,
        SupportsBackward = false, SupportsDoubleBackward = false, SupportsForwardMode = false,
        Onnx = OnnxSupport.Export(name, onnxOp),
        Call = One((x, a) => a.Contains("scalar") ? scalar(x[0], a.Double("scalar")) : tensor(x[0], x[1])),
        Samples =
        [
            Sample(Randn(3, 4), Randn(4)),
            Sample(Transposed(3, 2), Randn(3, 1)),
            Sample(Randn(2, 3)).With(Args(("scalar", 0.25))),
            Sample(Randn(3, 5), Randn(5)).Onnx(),
            Sample(Randn(3, 5)).With(Args(("scalar", 0.0))).Onnx(),
        ],
    };
}
