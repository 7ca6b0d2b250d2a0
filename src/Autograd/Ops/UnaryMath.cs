using MiniTorch.Kernels;

namespace MiniTorch;

// One-input elementwise math. Each op's derivative is one formula (see UnaryDefinitions): it maps the gradient
// backward and the tangent forward.
public partial class Tensor
{
    /// <summary>eˣ elementwise.</summary>
    public Tensor Exp() => ExpDefinition.Record(MapUnary(UnaryKind.Exp), [this]);

    private static readonly OpDefinition<NoArgs> ExpDefinition = UnaryDefinitions.SavingOutput("Exp", "ExpBackward", static (g, y) => g * y);

    /// <summary>Natural logarithm elementwise.</summary>
    public Tensor Log() => LogDefinition.Record(MapUnary(UnaryKind.Log), [this]);

    private static readonly OpDefinition<NoArgs> LogDefinition = UnaryDefinitions.SavingInput("Log", "LogBackward", static (g, x) => g / x);

    /// <summary>Square root elementwise.</summary>
    public Tensor Sqrt() => SqrtDefinition.Record(MapUnary(UnaryKind.Sqrt), [this]);

    private static readonly OpDefinition<NoArgs> SqrtDefinition = UnaryDefinitions.SavingOutput("Sqrt", "SqrtBackward", static (g, y) => g / (y * 2));

    /// <summary>Absolute value elementwise; its gradient at 0 is 0, as in PyTorch.</summary>
    public Tensor Abs() => AbsDefinition.Record(MapUnary(UnaryKind.Abs), [this]);

    private static readonly OpDefinition<NoArgs> AbsDefinition = UnaryDefinitions.SavingInput("Abs", "AbsBackward", static (g, x) => g * x.Sign());

    /// <summary>Sine elementwise.</summary>
    public Tensor Sin() => SinDefinition.Record(MapUnary(UnaryKind.Sin), [this]);

    private static readonly OpDefinition<NoArgs> SinDefinition = UnaryDefinitions.SavingInput("Sin", "SinBackward", static (g, x) => g * x.Cos());

    /// <summary>Cosine elementwise.</summary>
    public Tensor Cos() => CosDefinition.Record(MapUnary(UnaryKind.Cos), [this]);

    private static readonly OpDefinition<NoArgs> CosDefinition = UnaryDefinitions.SavingInput("Cos", "CosBackward", static (g, x) => -g * x.Sin());

    /// <summary>Hyperbolic tangent elementwise.</summary>
    public Tensor Tanh() => TanhDefinition.Record(MapUnary(UnaryKind.Tanh), [this]);

    private static readonly OpDefinition<NoArgs> TanhDefinition = UnaryDefinitions.SavingOutput("Tanh", "TanhBackward", static (g, y) => g * (1 - y * y));

    /// <summary>The logistic function 1 / (1 + e⁻ˣ) elementwise.</summary>
    public Tensor Sigmoid() => SigmoidDefinition.Record(MapUnary(UnaryKind.Sigmoid), [this]);

    private static readonly OpDefinition<NoArgs> SigmoidDefinition = UnaryDefinitions.SavingOutput("Sigmoid", "SigmoidBackward", static (g, y) => g * y * (1 - y));

    /// <summary>−1, 0 or 1 by the sign of each element (NaN stays NaN). Not differentiable: its gradient is zero, as in PyTorch.</summary>
    public Tensor Sign() => SignDefinition.Record(MapUnary(UnaryKind.Sign), [this]);

    // Piecewise constant: the gradient is zero, and so is the tangent, which forward mode represents by none (no Jvp).
    // Zeros that do not depend on the incoming gradient, as libtorch's zeros_like(grad): a gradient built with
    // createGraph does not require grad, even when the incoming one does.
    private static readonly OpDefinition<NoArgs> SignDefinition = new("Sign", "SignBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [ZerosLike(c.Grad)],
    };

    private Tensor MapUnary(UnaryKind kind) => Elementwise.Map(this, new UnaryOp(kind));
}
