using static MiniTorch.OpDatabase.Build;

namespace MiniTorch.OpDatabase;

/// <summary>Unary math and activations of the core.</summary>
internal static class UnaryOps
{
    public static IEnumerable<OpInfo> All() =>
    [
        Unary("Exp", "exp", "Exp", x => x.Exp(),
            Sample(Randn(3, 4)).Golden("exp"),
            Sample(Randn()).Golden("exp_0d"),
            Sample(Transposed(2, 3)),
            Sample(Randn(3, 5)).Onnx()),
        Unary("Log", "log", "Log", x => x.Log(),
            Sample(Uniform(0.2, 3.0, 3, 4)).Golden("log"),
            Sample(Uniform(0.5, 2, 2, 3)),
            Sample(Transposed(2, 3, 0.5, 2)),
            Sample(Uniform(0.1, 2.5, 3, 5)).Onnx()),
        Unary("Sqrt", "sqrt", "Sqrt", x => x.Sqrt(),
            Sample(Uniform(0.2, 3.0, 3, 4)).Golden("sqrt"),
            Sample(Uniform(0.5, 2, 2, 3)),
            Sample(Transposed(3, 2, 0.5, 2)),
            Sample(Uniform(0.1, 2.5, 3, 5)).Onnx()),
        Unary("Abs", "abs", "Abs", x => x.Abs(),
            Sample(Distinct(3, 4)).Golden("abs"),
            Sample(Values([-1.5, 0.0, 2.0, 0.0], 4)).Golden("abs_at_zero").Kink(AtKink),
            Sample(AwayFromZero(5)),
            Sample(Strided(AwayFromZero(3, 2))),
            Sample(Randn(3, 5)).Onnx()),
        Unary("Sin", "sin", "Sin", x => x.Sin(),
            Sample(RandnScaled(2.0, 0, 3, 4)).Golden("sin"),
            Sample(Sliced(2, 2)),
            Sample(Randn(3, 5)).Onnx()),
        Unary("Cos", "cos", "Cos", x => x.Cos(),
            Sample(RandnScaled(2.0, 0, 3, 4)).Golden("cos"),
            Sample(U(3)),
            Sample(Sliced(2, 3)),
            Sample(Randn(3, 5)).Onnx()),
        Unary("Tanh", "tanh", "Tanh", x => x.Tanh(),
            Sample(Randn(3, 4)).Golden("tanh"),
            // Tiny magnitudes, compared relatively: tanh(x) = x(1 - x²/3 + ...), so every digit of x must survive.
            Sample(Values([1e-9, -1e-7, 1e-5, -1e-3, 0.01, -0.1, 0.3, -0.5, 0.0, 2e-12, -3e-4, 0.05], 3, 4)).Golden("tanh_small_values", atol: 0.0),
            Sample(U(2, 3)),
            Sample(Transposed(3, 2)),
            Sample(Randn(3, 5)).Onnx()),
        Unary("Sigmoid", "sigmoid", "Sigmoid", x => x.Sigmoid(),
            Sample(RandnScaled(2.0, 0, 3, 4)).Golden("sigmoid"),
            Sample(Transposed(3, 2)),
            Sample(Randn(3, 5)).Onnx()),
        Unary("Erf", null, "Erf", x => x.Erf(),
            Sample(U(4)),
            Sample(Transposed(2, 3, -2, 2)),
            Sample(Randn(3, 5)).Onnx()),
        // Sign's derivative is zero away from 0; the row checks that it is zero (and that no rule fails on it).
        Unary("Sign", null, "Sign", x => x.Sign(),
            Sample(AwayFromZero(4)),
            Sample(Strided(AwayFromZero(2, 3))),
            Sample(Randn(3, 5)).Onnx()),
        Unary("Square", null, "Pow", x => x.Square(),
            Sample(U(3)),
            Sample(Sliced(2, 3)),
            Sample(Randn(3, 5)).Onnx()),
        Unary("Relu", "relu", "Relu", x => x.Relu(),
            Sample(Distinct(3, 4)).Golden("relu"),
            Sample(Values([-1.0, 0.0, 2.0], 3)).Golden("relu_at_zero").Kink(AtKink),
            Sample(AwayFromZero(2, 3)),
            Sample(Strided(AwayFromZero(2, 3))),
            Sample(Randn(3, 5)).Onnx()),
        new()
        {
            Name = "LeakyRelu", Api = ["Tensor.LeakyRelu"], GoldenKey = "leaky_relu", Onnx = OnnxSupport.Export("LeakyRelu", "LeakyRelu"),
            // A null slope means PyTorch's default, so MiniTorch's default is what is compared.
            Call = One((x, a) => a.NullableDouble("slope") is double slope ? x[0].LeakyRelu(slope) : x[0].LeakyRelu()),
            Samples =
            [
                Sample(Distinct(3, 4)).With(Args(("slope", null))).Golden("leaky_relu_default_slope"),
                Sample(Distinct(3, 4)).With(Args(("slope", 0.2))).Golden("leaky_relu_slope_0_2"),
                Sample(Values([-1.0, 0.0, 2.0], 3)).With(Args(("slope", 0.1))).Golden("leaky_relu_at_zero").Kink(AtKink),
                Sample(AwayFromZero(2, 3)).With(Args(("slope", 0.1))),
                Sample(Strided(AwayFromZero(2, 3))).With(Args(("slope", 0.3))),
                Sample(Randn(3, 5)).With(Args(("slope", 0.2))).Onnx(),
            ],
        },
        new()
        {
            Name = "Clamp", Api = ["Tensor.Clamp"], GoldenKey = "clamp", Onnx = OnnxSupport.Export("Clamp", "Clip"),
            Call = One((x, a) => x[0].Clamp(a.NullableDouble("min"), a.NullableDouble("max"))),
            Samples =
            [
                Sample(AwayFrom([-0.5, 0.7], 3, 4)).With(Args(("min", -0.5), ("max", 0.7))).Golden("clamp_min_max"),
                Sample(AwayFrom([0.1], 3, 4)).With(Args(("min", 0.1), ("max", null))).Golden("clamp_min_only"),
                Sample(AwayFrom([-0.2], 3, 4)).With(Args(("min", null), ("max", -0.2))).Golden("clamp_max_only"),
                Sample(Values([-1.0, -0.5, 0.0, 0.7, 1.0], 5)).With(Args(("min", -0.5), ("max", 0.7))).Golden("clamp_at_bounds").Kink(AtKink),
                Sample(AwayFromZero(3, 3)).With(Args(("min", -0.9), ("max", 0.9))),
                Sample(AwayFromZero(4)).With(Args(("min", 0.5), ("max", null))),
                Sample(Strided(AwayFrom([-0.5, 0.5], 3, 2))).With(Args(("min", -0.5), ("max", 0.5))),
                Sample(Randn(3, 5)).With(Args(("min", -0.5), ("max", 0.7))).Onnx(),
                Sample(Randn(3, 5)).With(Args(("min", -0.5), ("max", null))).Onnx(),
                Sample(Randn(3, 5)).With(Args(("min", null), ("max", 0.3))).Onnx(),
            ],
        },
        new()
        {
            Name = "PowScalar", Api = ["Tensor.Pow"], GoldenKey = "pow_scalar", Onnx = OnnxSupport.Export("Pow", "Pow"),
            Call = One((x, a) => x[0].Pow(a.Double("exponent"))),
            Samples =
            [
                Sample(Randn(3, 4)).With(Args(("exponent", 2.0))).Golden("pow_scalar_2"),
                Sample(Randn(3, 4)).With(Args(("exponent", 3.0))).Golden("pow_scalar_3"),
                Sample(Uniform(0.2, 3.0, 3, 4)).With(Args(("exponent", 0.5))).Golden("pow_scalar_0_5"),
                Sample(Uniform(0.2, 3.0, 3, 4)).With(Args(("exponent", -1.5))).Golden("pow_scalar_negative_1_5"),
                Sample(Randn(3, 4)).With(Args(("exponent", 0.0))).Golden("pow_scalar_0"),
                Sample(Uniform(0.5, 2, 2, 3)).With(Args(("exponent", 1.5))),
                Sample(U(3)).With(Args(("exponent", 3.0))),
                Sample(U(3)).With(Args(("exponent", 0.0))),
                Sample(Transposed(2, 3, 0.5, 2)).With(Args(("exponent", -0.5))),
                Sample(Randn(3, 5)).With(Args(("exponent", 3.0))).Onnx(),
            ],
        },
        new()
        {
            Name = "PowTensor", Api = ["Tensor.Pow"], GoldenKey = "pow_tensor", Onnx = OnnxSupport.Export("Pow", "Pow"),
            Call = One(x => Tensor.Pow(x[0], x[1])),
            Samples =
            [
                Sample(Uniform(0.3, 2.5, 3, 4), Randn(3, 4)).Golden("pow_tensor_exponent"),
                Sample(Uniform(0.3, 2.5, 3, 4), Randn(4)).Golden("pow_tensor_broadcast_exponent"),
                Sample(Uniform(0.3, 2.5, 2, 3), Randn(2, 3)).Grad(false, true).Golden("pow_tensor_constant_base"),
                Sample(Uniform(0.5, 2, 2, 3), U(3)),
                // Broadcast pairs (from PowTests): base in [0.4, 2), exponent in [-1.5, 2).
                .. new[] { ([4], [4]), ([3, 1], [4]), ([2, 3, 4], [3, 1]), (Array.Empty<int>(), [2, 2]), (new[] { 2, 2 }, Array.Empty<int>()) }
                    .Select(p => Sample(Uniform(0.4, 2, p.Item1), Uniform(-1.5, 2, p.Item2))),
                Sample(Uniform(0.5, 2.5, 3, 5), Randn(5)).Onnx(),
            ],
        },
        Binary("Maximum", "maximum", "Maximum", "Max", Tensor.Maximum,
            Sample(Split([3], [3])).Golden("maximum_same_shape"),
            Sample(Split([3, 1], [4])).Golden("maximum_broadcast_3x1_4"),
            // Ties are defined by PyTorch (the gradient is split evenly) and documented by MiniTorch as matching.
            Sample(Values([1.0, 3.0, 2.0, -1.0], 4), Values([1.0, 2.0, 2.0, 0.5], 4)).Golden("maximum_ties").Kink(AtKink),
            Sample(Distinct(2, 3), Distinct(3)),
            Sample(Distinct(3, 5), Distinct(5)).Onnx()),
        Binary("Minimum", "minimum", "Minimum", "Min", Tensor.Minimum,
            Sample(Split([2, 3], [3])).Golden("minimum_broadcast_2x3_3"),
            Sample(Values([1.0, 3.0, 2.0, -1.0], 4), Values([1.0, 2.0, 2.0, 0.5], 4)).Golden("minimum_ties").Kink(AtKink),
            Sample(Distinct(3, 2), Distinct(2)),
            Sample(Distinct(3, 5), Distinct(5)).Onnx()),
    ];

    /// <summary>Broadcast pairs for Maximum/Minimum (from MinMaxTests): one distinct ladder split between both inputs.</summary>
    private static OpSample[] SplitBroadcasting() =>
        [Sample(Split([4], [4])), Sample(Split([3, 1], [4])), Sample(Split([2, 3, 2], [3, 1])), Sample(Split([], [2, 2]))];

    /// <summary>
    /// Edge sizes every unary row is checked on (from UnaryMathTests): a vector, a matrix and a 0-d tensor, away from
    /// the kink of Abs/Relu/Sign (or, for Log and Sqrt, from the pole at 0).
    /// </summary>
    private static OpSample[] EdgeSizes(string name) =>
    [
        .. new[] { new[] { 5 }, [2, 3], [] }.Select(shape =>
            Sample(name is "Log" or "Sqrt" ? Uniform(0.3, 2, shape) : AwayFromZeroIn(0.2, 1.5, shape))),
    ];

    /// <summary>A unary row: the given samples, then <see cref="EdgeSizes"/>.</summary>
    private static OpInfo Unary(string name, string? goldenKey, string traceName, Func<Tensor, Tensor> f, params OpSample[] samples) => new()
    {
        Name = name, Api = [$"Tensor.{name}"], GoldenKey = goldenKey, Samples = [.. samples, .. EdgeSizes(name)],
        Call = One(x => f(x[0])),
        Onnx = OnnxSupport.Export(traceName, traceName switch { "Clamp" => "Clip", _ => traceName }),
    };

    /// <summary>Maximum/Minimum: the given samples, then <see cref="SplitBroadcasting"/>.</summary>
    private static OpInfo Binary(string name, string goldenKey, string traceName, string onnxOp, Func<Tensor, Tensor, Tensor> f, params OpSample[] samples) => new()
    {
        Name = name, Api = [$"Tensor.{name}"], GoldenKey = goldenKey, Samples = [.. samples, .. SplitBroadcasting()],
        Call = One(x => f(x[0], x[1])),
        Onnx = OnnxSupport.Export(traceName, onnxOp),
    };
}
