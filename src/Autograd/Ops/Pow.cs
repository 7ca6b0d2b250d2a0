using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>xᵖ elementwise for a scalar exponent.</summary>
    /// <remarks>An integer or bool tensor with a floating exponent computes in the default floating dtype, as PyTorch.</remarks>
    public Tensor Pow(double exponent)
    {
        if (IsFloat(this))
        {
            return PowScalarDefinition.Record(Elementwise.Map(this, new ScalarOp<PowOp>(exponent)), [this, null], exponent);
        }
        var dtype = ResultType(this, exponent);
        return (uint)dtype <= (uint)DType.Float64 ? PromotedTo(dtype).Pow(exponent) : Pow(this, ScalarTensor(exponent, dtype));
    }

    /// <summary>
    /// xⁿ elementwise for an integer exponent: an integer tensor stays integer (wrapping on overflow), a floating one
    /// computes as <see cref="Pow(double)"/>. A negative exponent of an integer tensor is refused, as in PyTorch.
    /// </summary>
    public Tensor Pow(long exponent)
    {
        if (IsFloat(this))
        {
            return Pow((double)exponent);
        }
        var dtype = ResultType(this, exponent);
        if (exponent < 0 && dtype.IsIntegral(includeBool: true))
        {
            throw new ArgumentException($"Pow: integers to negative integer powers are not allowed (exponent {exponent}, dtype {DType}; PyTorch: \"Integers to negative integer powers are not allowed.\"). Convert with To(DType.Float32) first.");
        }
        return Pow(PromotedTo(dtype), ScalarTensor(exponent, dtype));
    }

    // The exponent is traced as a 0-d constant operand; it is not differentiable (PyTorch's pow.Tensor_Scalar).
    private static readonly OpDefinition<double> PowScalarDefinition = new("Pow", "PowBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(0)],
        Backward = static c => [PowScalarDerivative(c.Grad, c.Input(0), c.Args)],
        Jvp = static c => c.Args == 0 ? null : PowScalarDerivative(c.Tangent(0)!, c.Input(0), c.Args),
        TracedScalar = static exponent => exponent,
    };

    // Elementwise, so the same formula maps a gradient backward and a tangent forward.
    // PyTorch masks the exponent-0 case to an exact zero (0·x⁻¹ would be NaN at x = 0).
    private static Tensor PowScalarDerivative(Tensor g, Tensor x, double exponent) =>
        exponent == 0 ? ZerosLike(g) : g * (x.Pow(exponent - 1) * exponent);

    /// <summary>aᵇ elementwise with broadcasting; both base and exponent are differentiable.</summary>
    /// <remarks>The operands are promoted (<see cref="ResultType(Tensor, Tensor)"/>); integer powers wrap, and a negative integer exponent gives 0 except for bases ±1, as PyTorch.</remarks>
    public static Tensor Pow(Tensor a, Tensor b) => IsFloatPair(a, b)
        ? PowDefinition.Record(Elementwise.Map("Pow", a, b, new PowOp()), [a, b])
        : PromotedBinary(PowDefinition, a, b, new PowOp(), new IntPowOp());

    private static readonly OpDefinition<NoArgs> PowDefinition = new("Pow", "PowBackward")
    {
        Differentiable = Operands.All,
        Saves = [Save.Input(0), Save.Input(1), Save.Output()],
        Backward = static c =>
        [
            c.NeedsGrad(0) ? c.SumToInput(0, PowBaseTerm(c.Grad, c.Input(0), c.Input(1))) : null,
            c.NeedsGrad(1) ? c.SumToInput(1, PowExponentTerm(c.Grad, c.Input(0), c.Input(1), c.Output())) : null,
        ],
        // Each partial derivative is elementwise, so the same terms map tangents forward.
        Jvp = static c => (c.Tangent(0), c.Tangent(1)) switch
        {
            ({ } ta, null) => PowBaseTerm(ta, c.Input(0), c.Input(1)),
            (null, { } tb) => PowExponentTerm(tb, c.Input(0), c.Input(1), c.Output()),
            var (ta, tb) => PowBaseTerm(ta!, c.Input(0), c.Input(1)) + PowExponentTerm(tb!, c.Input(0), c.Input(1), c.Output()),
        },
    };

    private static Tensor PowBaseTerm(Tensor g, Tensor a, Tensor b) => Where(b.Eq(0), 0, g * b * Pow(a, b - 1));

    // d(aᵇ)/db = aᵇ·ln a, defined as 0 where a = 0 and b ≥ 0 (PyTorch's pow_backward_exponent).
    private static Tensor PowExponentTerm(Tensor g, Tensor a, Tensor b, Tensor result) => Where(a.Eq(0) & b.Ge(0), 0, g * result * a.Log());

    /// <summary>xᵉ elementwise for a tensor exponent.</summary>
    public Tensor Pow(Tensor exponent) => Pow(this, exponent);

    /// <summary>x² elementwise.</summary>
    public Tensor Square() => Pow(2);
}
