using MiniTorch.Kernels;

namespace MiniTorch;

// One-input elementwise math. Each op's derivative is one formula (see UnaryDefinitions): it maps the gradient
// backward and the tangent forward.
public partial class Tensor
{
    /// <summary>eˣ elementwise. An integer or Bool tensor is first converted to the default floating dtype, as PyTorch promotes it.</summary>
    public Tensor Exp()
    {
        var x = DTypeCheck.PromoteToFloating("Exp", this);
        return ExpDefinition.Record(x.MapUnary(UnaryKind.Exp), [x]);
    }

    private static readonly OpDefinition<NoArgs> ExpDefinition = UnaryDefinitions.SavingOutput("Exp", "ExpBackward", static (g, y) => g * y);

    /// <summary>Natural logarithm elementwise. An integer or Bool tensor is first converted to the default floating dtype, as PyTorch promotes it.</summary>
    public Tensor Log()
    {
        var x = DTypeCheck.PromoteToFloating("Log", this);
        return LogDefinition.Record(x.MapUnary(UnaryKind.Log), [x]);
    }

    private static readonly OpDefinition<NoArgs> LogDefinition = UnaryDefinitions.SavingInput("Log", "LogBackward", static (g, x) => g / x);

    /// <summary>Square root elementwise. An integer or Bool tensor is first converted to the default floating dtype, as PyTorch promotes it.</summary>
    public Tensor Sqrt()
    {
        var x = DTypeCheck.PromoteToFloating("Sqrt", this);
        return SqrtDefinition.Record(x.MapUnary(UnaryKind.Sqrt), [x]);
    }

    private static readonly OpDefinition<NoArgs> SqrtDefinition = UnaryDefinitions.SavingOutput("Sqrt", "SqrtBackward", static (g, y) => g / (y * 2));

    /// <summary>Absolute value elementwise; its gradient at 0 is 0, as in PyTorch.</summary>
    /// <remarks>Integers keep their dtype (|min value| wraps to itself, as in PyTorch).</remarks>
    public Tensor Abs() => AbsDefinition.Record(IsFloat(this) ? MapUnary(UnaryKind.Abs)
        : DType == DType.Bool ? throw Elementwise.NotFloat("Abs", DType)
        : IntegerOrHalfUnary("Abs", this, new IntAbsOp(), new UnaryOp(UnaryKind.Abs)), [this]);

    private static readonly OpDefinition<NoArgs> AbsDefinition = UnaryDefinitions.SavingInput("Abs", "AbsBackward", static (g, x) => g * x.Sign());

    /// <summary>Sine elementwise. An integer or Bool tensor is first converted to the default floating dtype, as PyTorch promotes it.</summary>
    public Tensor Sin()
    {
        var x = DTypeCheck.PromoteToFloating("Sin", this);
        return SinDefinition.Record(x.MapUnary(UnaryKind.Sin), [x]);
    }

    private static readonly OpDefinition<NoArgs> SinDefinition = UnaryDefinitions.SavingInput("Sin", "SinBackward", static (g, x) => g * x.Cos());

    /// <summary>Cosine elementwise. An integer or Bool tensor is first converted to the default floating dtype, as PyTorch promotes it.</summary>
    public Tensor Cos()
    {
        var x = DTypeCheck.PromoteToFloating("Cos", this);
        return CosDefinition.Record(x.MapUnary(UnaryKind.Cos), [x]);
    }

    private static readonly OpDefinition<NoArgs> CosDefinition = UnaryDefinitions.SavingInput("Cos", "CosBackward", static (g, x) => -g * x.Sin());

    /// <summary>Hyperbolic tangent elementwise. An integer or Bool tensor is first converted to the default floating dtype, as PyTorch promotes it.</summary>
    public Tensor Tanh()
    {
        var x = DTypeCheck.PromoteToFloating("Tanh", this);
        return TanhDefinition.Record(x.MapUnary(UnaryKind.Tanh), [x]);
    }

    private static readonly OpDefinition<NoArgs> TanhDefinition = UnaryDefinitions.SavingOutput("Tanh", "TanhBackward", static (g, y) => g * (1 - y * y));

    /// <summary>The logistic function 1 / (1 + e⁻ˣ) elementwise. An integer or Bool tensor is first converted to the default floating dtype, as PyTorch promotes it.</summary>
    public Tensor Sigmoid()
    {
        var x = DTypeCheck.PromoteToFloating("Sigmoid", this);
        return SigmoidDefinition.Record(x.MapUnary(UnaryKind.Sigmoid), [x]);
    }

    private static readonly OpDefinition<NoArgs> SigmoidDefinition = UnaryDefinitions.SavingOutput("Sigmoid", "SigmoidBackward", static (g, y) => g * y * (1 - y));

    /// <summary>−1, 0 or 1 by the sign of each element (NaN stays NaN). Not differentiable: its gradient is zero, as in PyTorch.</summary>
    /// <remarks>Integers keep their dtype, as in PyTorch.</remarks>
    public Tensor Sign() => SignDefinition.Record(IsFloat(this) ? MapUnary(UnaryKind.Sign) : IntegerOrHalfUnary("Sign", this, new IntSignOp(), new UnaryOp(UnaryKind.Sign)), [this]);

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
