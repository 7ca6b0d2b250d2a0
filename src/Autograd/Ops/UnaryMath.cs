using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>eˣ elementwise.</summary>
    public Tensor Exp() => UnarySavingOutput(UnaryKind.Exp, "ExpBackward", static (g, y) => g * y);

    /// <summary>Natural logarithm elementwise.</summary>
    public Tensor Log() => UnarySavingInput(UnaryKind.Log, "LogBackward", static (g, x) => g / x);

    /// <summary>Square root elementwise.</summary>
    public Tensor Sqrt() => UnarySavingOutput(UnaryKind.Sqrt, "SqrtBackward", static (g, y) => g / (y * 2));

    /// <summary>Absolute value elementwise; its gradient at 0 is 0, as in PyTorch.</summary>
    public Tensor Abs() => UnarySavingInput(UnaryKind.Abs, "AbsBackward", static (g, x) => g * x.Sign());

    /// <summary>Sine elementwise.</summary>
    public Tensor Sin() => UnarySavingInput(UnaryKind.Sin, "SinBackward", static (g, x) => g * x.Cos());

    /// <summary>Cosine elementwise.</summary>
    public Tensor Cos() => UnarySavingInput(UnaryKind.Cos, "CosBackward", static (g, x) => -g * x.Sin());

    /// <summary>Hyperbolic tangent elementwise.</summary>
    public Tensor Tanh() => UnarySavingOutput(UnaryKind.Tanh, "TanhBackward", static (g, y) => g * (1 - y * y));

    /// <summary>The logistic function 1 / (1 + e⁻ˣ) elementwise.</summary>
    public Tensor Sigmoid() => UnarySavingOutput(UnaryKind.Sigmoid, "SigmoidBackward", static (g, y) => g * y * (1 - y));

    /// <summary>−1, 0 or 1 by the sign of each element (NaN stays NaN). Not differentiable: its gradient is zero, as in PyTorch.</summary>
    public Tensor Sign()
    {
        var r = Elementwise.Map(this, new UnaryOp(UnaryKind.Sign));
        if (Node.IsNeeded(this))
        {
            new ScaleBackward("SignBackward", 0).Connect(r, this);
        }
        // Sign is piecewise constant: its tangent is zero, which forward mode represents by no tangent at all.
        Tracing.Record("Sign", r, this);
        return r;
    }

    private Tensor UnarySavingInput(UnaryKind kind, string name, Func<Tensor, Tensor, Tensor> derivative)
    {
        var r = Elementwise.Map(this, new UnaryOp(kind));
        if (Node.IsNeeded(this))
        {
            new SavedOneBackward(name, this, derivative).Connect(r, this);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Elementwise(r, this, this, derivative);
        }
        Tracing.Record(OpName(kind), r, this);
        return r;
    }

    private Tensor UnarySavingOutput(UnaryKind kind, string name, Func<Tensor, Tensor, Tensor> derivative)
    {
        var r = Elementwise.Map(this, new UnaryOp(kind));
        if (Node.IsNeeded(this))
        {
            new SavedOneBackward(name, r, derivative).Connect(r, this);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Elementwise(r, this, r, derivative);
        }
        Tracing.Record(OpName(kind), r, this);
        return r;
    }

    /// <summary>The traced name of a unary op: the public method's name.</summary>
    private static string OpName(UnaryKind kind) => kind switch
    {
        UnaryKind.Exp => "Exp",
        UnaryKind.Log => "Log",
        UnaryKind.Sqrt => "Sqrt",
        UnaryKind.Abs => "Abs",
        UnaryKind.Sin => "Sin",
        UnaryKind.Cos => "Cos",
        UnaryKind.Tanh => "Tanh",
        UnaryKind.Sigmoid => "Sigmoid",
        _ => kind.ToString(),
    };
}
