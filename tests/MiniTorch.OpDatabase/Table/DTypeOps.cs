using static MiniTorch.OpDatabase.Build;

namespace MiniTorch.OpDatabase;

/// <summary>
/// The ops that issue #13's integer and bool dtypes brought: floor division and remainder (Python's sign rules),
/// logical and bitwise ops, Any/All and Cumsum. The table's inputs are floating; the bitwise rows convert them to
/// Int64 (truncating) because bitwise ops refuse floats, as PyTorch's. Integer semantics are checked against PyTorch's
/// own values by the golden dtype table (tests/MiniTorch.Autograd.Tests/Golden/dtypes.json).
/// </summary>
internal static class DTypeOps
{
    private const string NoIntegerExport = "ONNX export of integer and bool ops comes with the ONNX dtype work of #13 (dtype-io); the exporter refuses and names the op";

    public static IEnumerable<OpInfo> All() =>
    [
        new()
        {
            Name = "FloorDivide", Api = ["Tensor.FloorDivide"],
            // PyTorch's floor_divide has no derivative ("derivative for floor_divide is not implemented").
            SupportsBackward = false, SupportsDoubleBackward = false, SupportsForwardMode = false,
            Onnx = OnnxSupport.NotExportable("FloorDivide", NoIntegerExport),
            Call = One((x, a) => a.Contains("scalar") ? Tensor.FloorDivide(x[0], a.Double("scalar")) : Tensor.FloorDivide(x[0], x[1])),
            Samples =
            [
                Sample(RandnScaled(4, 0, 3, 4), AwayFromZero(4)),
                Sample(Transposed(3, 2, -5, 5), AwayFromZero(3, 1)),
                Sample(RandnScaled(4, 0, 2, 3)).With(Args(("scalar", -1.5))),
            ],
        },
        new()
        {
            Name = "Remainder", Api = ["Tensor.Remainder", "Tensor.op_Modulus"],
            Onnx = OnnxSupport.NotExportable("Remainder", NoIntegerExport),
            Call = One((x, a) => a.Contains("scalar") ? x[0] % a.Double("scalar") : x[0] % x[1]),
            Samples =
            [
                Sample(RandnScaled(4, 0, 3, 4), AwayFromZeroIn(0.7, 1.3, 4)),
                Sample(Transposed(3, 2, -5, 5), AwayFromZeroIn(0.7, 1.3, 3, 1)),
                Sample(RandnScaled(4, 0, 2, 3)).With(Args(("scalar", -1.5))),
            ],
        },
        Truth("LogicalAnd", ["Tensor.LogicalAnd"], x => Tensor.LogicalAnd(x[0], x[1]), 2),
        Truth("LogicalOr", ["Tensor.LogicalOr"], x => Tensor.LogicalOr(x[0], x[1]), 2),
        Truth("LogicalXor", ["Tensor.LogicalXor"], x => Tensor.LogicalXor(x[0], x[1]), 2),
        Truth("LogicalNot", ["Tensor.LogicalNot", "Tensor.op_LogicalNot"], x => !x[0], 1),
        Truth("BitwiseAnd", ["Tensor.BitwiseAnd", "Tensor.op_BitwiseAnd"], x => Long(x[0]) & Long(x[1]), 2),
        Truth("BitwiseOr", ["Tensor.BitwiseOr", "Tensor.op_BitwiseOr"], x => Long(x[0]) | Long(x[1]), 2),
        Truth("BitwiseXor", ["Tensor.BitwiseXor", "Tensor.op_ExclusiveOr"], x => Long(x[0]) ^ Long(x[1]), 2),
        Truth("BitwiseNot", ["Tensor.BitwiseNot", "Tensor.op_OnesComplement"], x => ~Long(x[0]), 1),
        new()
        {
            Name = "Any", Api = ["Tensor.Any"],
            SupportsBackward = false, SupportsDoubleBackward = false, SupportsForwardMode = false,
            Onnx = OnnxSupport.NotExportable("Any", NoIntegerExport),
            Call = One((x, a) => a.Contains("dim") ? x[0].Gt(0.5).Any(a.Int("dim"), a.Bool("keepdim")) : x[0].Gt(0.5).Any()),
            Samples = TruthReductionSamples(),
        },
        new()
        {
            Name = "All", Api = ["Tensor.All"],
            SupportsBackward = false, SupportsDoubleBackward = false, SupportsForwardMode = false,
            Onnx = OnnxSupport.NotExportable("All", NoIntegerExport),
            Call = One((x, a) => a.Contains("dim") ? x[0].Gt(-0.5).All(a.Int("dim"), a.Bool("keepdim")) : x[0].Gt(-0.5).All()),
            Samples = TruthReductionSamples(),
        },
        new()
        {
            Name = "Cumsum", Api = ["Tensor.Cumsum"],
            Onnx = OnnxSupport.NotExportable("Cumsum", "no CumSum lowering yet: the exporter refuses and names the op"),
            Call = One((x, a) => x[0].Cumsum(a.Int("dim"))),
            Samples =
            [
                Sample(Randn(3, 4)).With(Args(("dim", 1))),
                Sample(Randn(2, 3, 4)).With(Args(("dim", 0))),
                Sample(Transposed(3, 4)).With(Args(("dim", -1))),
                Sample(Sliced(2, 3)).With(Args(("dim", 1))),
                Sample(Randn()).With(Args(("dim", 0))),
            ],
        },
    ];

    private static Tensor Long(Tensor x) => (x * 4).To(DType.Int64);

    private static OpSample[] TruthReductionSamples() =>
    [
        Sample(Randn(3, 4)),
        Sample(Randn(3, 4)).With(Args(("dim", 1), ("keepdim", false))),
        Sample(Transposed(3, 4)).With(Args(("dim", 0), ("keepdim", true))),
    ];

    /// <summary>A Bool- or integer-valued op of one or two operands: no gradient, broadcasting and a strided sample.</summary>
    private static OpInfo Truth(string name, string[] api, Func<Tensor[], Tensor> f, int arity) => new()
    {
        Name = name, Api = api,
        SupportsBackward = false, SupportsDoubleBackward = false, SupportsForwardMode = false,
        Onnx = OnnxSupport.NotExportable(name, NoIntegerExport),
        Call = One(f),
        Samples = arity == 2
            ? [Sample(Randn(3, 4), Randn(4)), Sample(Transposed(3, 2), Randn(3, 1))]
            : [Sample(Randn(3, 4)), Sample(Transposed(3, 2))],
    };
}
