using static MiniTorch.OpDatabase.Build;

namespace MiniTorch.OpDatabase;

/// <summary>Elementwise arithmetic with broadcasting, through the statics and the C# operators (tensor and scalar forms).</summary>
internal static class ArithmeticOps
{
    public static IEnumerable<OpInfo> All() =>
    [
        new()
        {
            Name = "Add", Api = ["Tensor.Add", "Tensor.op_Addition"], GoldenKey = "add",
            Call = One(x => Tensor.Add(x[0], x[1])), Onnx = OnnxSupport.Export("Add", "Add"),
            Samples =
            [
                Sample(Randn(3, 4), Randn(3, 4)).Golden("add_same_shape"),
                Sample(Randn(3, 1), Randn(4)).Golden("add_broadcast_3x1_4"),
                Sample(Randn(), Randn(2, 3)).Golden("add_broadcast_scalar_tensor"),
                Sample(U(2, 3), U(3)),
                Sample(Transposed(3, 2), U(3, 1)),
                .. Broadcasting(),
                Sample(Randn(3, 5), Randn(5)).Onnx(),
            ],
        },
        new()
        {
            Name = "Sub", Api = ["Tensor.Sub", "Tensor.op_Subtraction"], GoldenKey = "sub",
            Call = One(x => Tensor.Sub(x[0], x[1])), Onnx = OnnxSupport.Export("Sub", "Sub"),
            Samples =
            [
                Sample(Randn(2, 1, 4), Randn(3, 1)).Golden("sub_broadcast_2x1x4_3x1"),
                Sample(U(2, 1, 3), U(4, 3)),
                .. Broadcasting(),
                Sample(Randn(3, 5), Randn(5)).Onnx(),
            ],
        },
        new()
        {
            Name = "Mul", Api = ["Tensor.Mul", "Tensor.op_Multiply"], GoldenKey = "mul",
            Call = One(x => Tensor.Mul(x[0], x[1])), Onnx = OnnxSupport.Export("Mul", "Mul"),
            Samples =
            [
                Sample(Randn(3, 4), Randn(3, 4)).Golden("mul_same_shape"),
                Sample(Randn(2, 3, 4), Randn(3, 1)).Golden("mul_broadcast_2x3x4_3x1"),
                Sample(Randn(4), Randn(3, 1)).Golden("mul_broadcast_4_3x1"),
                Sample(Randn(3, 4), Randn(4)).Grad(true, false).Golden("mul_second_input_constant"),
                Sample(Sliced(2, 3), U(2, 1)),
                .. Broadcasting(),
                Sample(Randn(3, 5), Randn(5)).Onnx(),
            ],
        },
        new()
        {
            Name = "Div", Api = ["Tensor.Div", "Tensor.op_Division"], GoldenKey = "div",
            Call = One(x => Tensor.Div(x[0], x[1])), Onnx = OnnxSupport.Export("Div", "Div"),
            Samples =
            [
                Sample(Randn(3, 4), Uniform(0.5, 2.0, 3, 4)).Golden("div_same_shape"),
                Sample(Randn(1, 4), Uniform(-2.0, -0.5, 3, 1)).Golden("div_broadcast_1x4_3x1"),
                Sample(U(3), AwayFromZero(2, 3)),
                .. Broadcasting(),
                Sample(Randn(3, 5), Uniform(1, 3, 5)).Onnx(),
            ],
        },
        Scalar("AddScalar", "add_scalar", "Add", "Add", (x, s) => x + s,
            Sample(Randn(2, 3)).With(Args(("scalar", 2.5))).Golden("add_scalar"),
            Sample(U(2, 2)).With(Args(("scalar", 2.0))),
            Sample(Randn(3, 5)).With(Args(("scalar", 1.5))).Onnx()),
        Scalar("ScalarAdd", null, "Add", "Add", (x, s) => s + x,
            Sample(Transposed(2, 3)).With(Args(("scalar", -0.75))).Onnx()),
        Scalar("SubScalar", "sub_scalar", "Sub", "Sub", (x, s) => x - s,
            Sample(Randn(2, 3)).With(Args(("scalar", 1.25))).Golden("sub_scalar"),
            Sample(U(2, 2)).With(Args(("scalar", 0.5))),
            Sample(Randn(3, 5)).With(Args(("scalar", 1.5))).Onnx()),
        Scalar("ScalarSub", "rsub_scalar", "Sub", "Sub", (x, s) => s - x,
            Sample(Randn(2, 3)).With(Args(("scalar", 3.0))).Golden("rsub_scalar"),
            Sample(U(3)).With(Args(("scalar", 3.0))),
            Sample(Randn(3, 5)).With(Args(("scalar", 1.5))).Onnx()),
        Scalar("MulScalar", "mul_scalar", "Mul", "Mul", (x, s) => x * s,
            Sample(Randn(2, 3)).With(Args(("scalar", -1.5))).Golden("mul_scalar"),
            Sample(Transposed(2, 3)).With(Args(("scalar", 2.5))),
            Sample(Randn(3, 5)).With(Args(("scalar", -2.5))).Onnx()),
        Scalar("ScalarMul", null, "Mul", "Mul", (x, s) => s * x,
            Sample(Sliced(2, 3)).With(Args(("scalar", 0.5))).Onnx()),
        Scalar("DivScalar", "div_scalar", "Div", "Div", (x, s) => x / s,
            Sample(Randn(2, 3)).With(Args(("scalar", 4.0))).Golden("div_scalar"),
            Sample(Transposed(2, 3)).With(Args(("scalar", 4.0))),
            Sample(Randn(3, 5)).With(Args(("scalar", 4.0))).Onnx()),
        Scalar("ScalarDiv", "rdiv_scalar", "Div", "Div", (x, s) => s / x,
            Sample(Uniform(0.5, 2.0, 2, 3)).With(Args(("scalar", 3.0))).Golden("rdiv_scalar"),
            Sample(AwayFromZero(4)).With(Args(("scalar", 2.0))),
            Sample(Uniform(1, 3, 3, 5)).With(Args(("scalar", 3.0))).Onnx()),
        new()
        {
            Name = "Neg", Api = ["Tensor.Neg", "Tensor.op_UnaryNegation"], GoldenKey = "neg",
            Call = One(x => -x[0]), Onnx = OnnxSupport.Export("Neg", "Neg"),
            Samples =
            [
                Sample(Randn(2, 3)).Golden("neg"),
                Sample(U(2, 3)),
                Sample(Transposed(2, 3)),
                Sample(Randn(3, 5)).Onnx(),
            ],
        },
    ];

    /// <summary>
    /// The broadcast pairs every binary arithmetic op is checked on (from ArithmeticTests): equal shapes, a column
    /// against a row, a lower-rank operand, a 0-d tensor, and size-1 dims on both sides. The second operand stays
    /// away from zero, so Div's pole is never near a finite-difference step.
    /// </summary>
    private static OpSample[] Broadcasting() =>
    [
        .. new[] { ([3], [3]), ([3, 1], [4]), ([2, 3, 4], [3, 1]), (Array.Empty<int>(), [2, 3]), (new[] { 2, 1, 3 }, new[] { 1, 2, 1 }) }
            .Select(p => Sample(U(p.Item1), AwayFromZeroIn(0.5, 1.5, p.Item2))),
    ];

    /// <summary>A tensor-scalar form of an operator: the scalar is the <c>scalar</c> argument.</summary>
    private static OpInfo Scalar(string name, string? goldenKey, string traceName, string onnxOp, Func<Tensor, double, Tensor> f, params OpSample[] samples) => new()
    {
        Name = name, GoldenKey = goldenKey, Samples = samples,
        Call = One((x, a) => f(x[0], a.Double("scalar"))),
        Onnx = OnnxSupport.Export(traceName, onnxOp),
    };
}
