using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>xᵖ elementwise for a scalar exponent.</summary>
    public Tensor Pow(double exponent)
    {
        var r = Elementwise.Map(this, new ScalarOp<PowOp>(exponent));
        if (Node.IsNeeded(this))
        {
            new PowScalarBackward(this, exponent).Connect(r, this);
        }
        if (ForwardAD.IsActive)
        {
            PowScalarBackward.Jvp(r, this, exponent);
        }
        if (Tracing.IsActive)
        {
            Tracing.Record("Pow", r, this, ScalarLike(exponent));
        }
        return r;
    }

    /// <summary>aᵇ elementwise with broadcasting; both base and exponent are differentiable.</summary>
    public static Tensor Pow(Tensor a, Tensor b)
    {
        var r = Elementwise.Map("Pow", a, b, new PowOp());
        if (Node.IsNeeded(a, b))
        {
            new PowBackward(a, b, r).Connect(r, a, b);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Binary(r, a, b, PowBackward.Jvp);
        }
        Tracing.Record("Pow", r, a, b);
        return r;
    }

    /// <summary>xᵉ elementwise for a tensor exponent.</summary>
    public Tensor Pow(Tensor exponent) => Pow(this, exponent);

    /// <summary>x² elementwise.</summary>
    public Tensor Square() => Pow(2);
}

internal sealed class PowScalarBackward : Node
{
    private readonly double _exponent;
    private SavedTensor _x;

    public PowScalarBackward(Tensor x, double exponent)
    {
        _x = new SavedTensor(x);
        _exponent = exponent;
    }

    public override string Name => "PowBackward";

    internal override Tensor?[] Apply(Tensor g)
    {
        return [Derivative(g, _x.Unpack(this), _exponent)];
    }

    // Elementwise, so the same formula maps a gradient backward and a tangent forward.
    // PyTorch masks the exponent-0 case to an exact zero (0·x⁻¹ would be NaN at x = 0).
    private static Tensor Derivative(Tensor g, Tensor x, double exponent) =>
        exponent == 0 ? Tensor.ZerosLike(g) : g * (x.Pow(exponent - 1) * exponent);

    internal static void Jvp(Tensor r, Tensor x, double exponent)
    {
        if (exponent != 0 && ForwardAD.TangentOf(x) is { } t)
        {
            using var jvp = ForwardAD.Suspend();
            jvp.SetTangent(r, Derivative(t, x, exponent));
        }
    }

    internal override void ReleaseSavedTensors() => _x.Release();
}

internal sealed class PowBackward : Node
{
    private SavedTensor _a;
    private SavedTensor _b;
    private SavedTensor _result;

    public PowBackward(Tensor a, Tensor b, Tensor result)
    {
        _a = new SavedTensor(a);
        _b = new SavedTensor(b);
        _result = new SavedTensor(result);
    }

    public override string Name => "PowBackward";

    internal override Tensor?[] Apply(Tensor g)
    {
        var a = _a.Unpack(this);
        var b = _b.Unpack(this);
        Tensor? ga = null, gb = null;
        if (NeedsInputGrad(0))
        {
            ga = BaseTerm(g, a, b).SumToShape(Edges[0].Shape);
        }
        if (NeedsInputGrad(1))
        {
            gb = ExponentTerm(g, a, b, _result.Unpack(this)).SumToShape(Edges[1].Shape);
        }
        return [ga, gb];
    }

    // Each partial derivative is elementwise, so the same terms map gradients backward and tangents forward.
    private static Tensor BaseTerm(Tensor g, Tensor a, Tensor b) => Tensor.Where(b.Eq(0), 0, g * b * Tensor.Pow(a, b - 1));

    // d(aᵇ)/db = aᵇ·ln a, defined as 0 where a = 0 and b ≥ 0 (PyTorch's pow_backward_exponent).
    private static Tensor ExponentTerm(Tensor g, Tensor a, Tensor b, Tensor result) => Tensor.Where(a.Eq(0) * b.Ge(0), 0, g * result * a.Log());

    internal static Tensor Jvp(Tensor? ta, Tensor? tb, Tensor a, Tensor b, Tensor result) =>
        tb is null ? BaseTerm(ta!, a, b) : ta is null ? ExponentTerm(tb, a, b, result) : BaseTerm(ta, a, b) + ExponentTerm(tb, a, b, result);

    internal override void ReleaseSavedTensors()
    {
        _a.Release();
        _b.Release();
        _result.Release();
    }
}
