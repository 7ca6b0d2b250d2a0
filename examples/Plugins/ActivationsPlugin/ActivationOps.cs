using MiniTorch.Plugins;

namespace MiniTorch.Examples.Activations;

/// <summary>
/// The plugin's ops, defined once: <see cref="ActivationsPlugin.Register"/> registers them and the plugin's modules
/// call them through <see cref="OpDefinition.Apply(Tensor[])"/>, so a model built from the modules exports each call as
/// the plugin op, with its ONNX lowering. The samples cover every branch: Softplus is checked on both sides of a
/// small threshold, LinearGelu on a batch of vectors, a single vector, and a 3-d input.
/// </summary>
internal static class ActivationOps
{
    private const double InvSqrt2 = 0.70710678118654752440084436210484903928483593768847;

    /// <summary>x·σ(βx), inlined as Mul(x, Sigmoid(Mul(x, β))).</summary>
    public static OpDefinition Swish { get; } = new()
    {
        Name = "swish",
        Description = "x·σ(βx) (Ramachandran et al., 2017)",
        Inputs = ["input"],
        Attributes = new Dictionary<string, double> { ["beta"] = 1 },
        Create = a => new SwishFunction(a["beta"]),
        Samples = [new OpSample([3, 4]), new OpSample([5]) { Attributes = new Dictionary<string, double> { ["beta"] = 1.7 } }],
        OnnxLowering = OnnxOpLowering.Compose(g => g.Op("Mul", g.Input(0), g.Op("Sigmoid", g.Op("Mul", g.Input(0), g.Attribute("beta"))))),
    };

    /// <summary>x·σ(x), inlined as Mul(x, Sigmoid(x)).</summary>
    public static OpDefinition Silu { get; } = new()
    {
        Name = "silu",
        Description = "x·σ(x), PyTorch's F.silu",
        Inputs = ["input"],
        Create = _ => new SwishFunction(1),
        Samples = [new OpSample([3, 4])],
        OnnxLowering = OnnxOpLowering.Compose(g => g.Op("Mul", g.Input(0), g.Op("Sigmoid", g.Input(0)))),
    };

    /// <summary>x·tanh(softplus(x)), as the function <c>activations::mish</c> stored in the exported model.</summary>
    public static OpDefinition Mish { get; } = new()
    {
        Name = "mish",
        Description = "x·tanh(softplus(x)), PyTorch's F.mish",
        Inputs = ["input"],
        Create = _ => new MishFunction(),
        Samples = [new OpSample([3, 4]), new OpSample([6]) { ValueRange = (-8, 8) }],
        OnnxLowering = OnnxOpLowering.Function(g => g.Op("Mul", g.Input(0), g.Op("Tanh", StableSoftplus(g, g.Input(0))))),
    };

    /// <summary>
    /// log(1 + e^(βx))/β, and x where βx &gt; threshold, as the function <c>activations::softplus</c> whose node
    /// carries beta and threshold: Where(Greater(βx, threshold), x, softplus(βx)/β).
    /// </summary>
    public static OpDefinition Softplus { get; } = new()
    {
        Name = "softplus",
        Description = "log(1 + e^(βx))/β, linear where βx > threshold; PyTorch's F.softplus",
        Inputs = ["input"],
        Attributes = new Dictionary<string, double> { ["beta"] = 1, ["threshold"] = 20 },
        Create = a => new SoftplusFunction(a["beta"], a["threshold"]),
        Samples =
        [
            new OpSample([3, 4]),
            new OpSample([4, 4]) { Attributes = new Dictionary<string, double> { ["beta"] = 2, ["threshold"] = 1 } },
        ],
        OnnxLowering = OnnxOpLowering.Function(g =>
        {
            var x = g.Input(0);
            var beta = g.Attribute("beta");
            var z = g.Op("Mul", x, beta);
            return g.Op("Where", g.Op("Greater", z, g.Attribute("threshold")), x, g.Op("Div", StableSoftplus(g, z), beta));
        }),
    };

    /// <summary>GELU(x·Wᵀ + b), inlined as Transpose, MatMul, Add and the erf form of GELU (erf itself in <see cref="OnnxErf"/>).</summary>
    public static OpDefinition LinearGelu { get; } = new()
    {
        Name = "linear_gelu",
        Description = "GELU(x·Wᵀ + b) as one fused op, PyTorch's F.gelu(F.linear(x, W, b))",
        Inputs = ["input", "weight", "bias"],
        Create = _ => new LinearGeluFunction(),
        Samples = [new OpSample([4, 3], [2, 3], [2]), new OpSample([3], [2, 3], [2]), new OpSample([2, 2, 3], [2, 3], [2])],
        OnnxLowering = OnnxOpLowering.Compose(g =>
        {
            var weightT = g.Op("Transpose", [g.Input("weight")], OnnxNodeAttribute.Ints("perm", 1, 0));
            var z = g.Op("Add", g.Op("MatMul", g.Input("input"), weightT), g.Input("bias"));
            // z·Φ(z) = z/2·(1 + erf(z/√2)), the exact GELU. Not ONNX's Erf or Gelu: ONNX Runtime runs those in float32 only.
            var phi = g.Op("Add", g.Constant(1), OnnxErf.Erf(g, g.Op("Mul", z, g.Constant(InvSqrt2))));
            return g.Op("Mul", g.Op("Mul", z, g.Constant(0.5)), phi);
        }),
    };

    /// <summary>softplus(v) = relu(v) + log(1 + e^−|v|): ONNX's Softplus computes log(e^v + 1), which overflows to ∞ for large v.</summary>
    private static OnnxValue StableSoftplus(OnnxOpBuilder g, OnnxValue v) =>
        g.Op("Add", g.Op("Relu", v), g.Op("Log", g.Op("Add", g.Constant(1), g.Op("Exp", g.Op("Neg", g.Op("Abs", v))))));
}
