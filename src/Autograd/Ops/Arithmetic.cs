using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>a + b with broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b) => IsFloatPair(a, b)
        ? AddDefinition.Record(Elementwise.Map("Add", a, b, new AddOp()), [a, b])
        : PromotedBinary(AddDefinition, a, b, new AddOp(), new IntAddOp());

    private static readonly OpDefinition<NoArgs> AddDefinition = new("Add", "AddBackward")
    {
        Differentiable = Operands.All,
        Backward = static c => [c.NeedsGrad(0) ? c.SumToInput(0, c.Grad) : null, c.NeedsGrad(1) ? c.SumToInput(1, c.Grad) : null],
        Jvp = static c => c.Tangent(0) is not { } ta ? c.Tangent(1) : c.Tangent(1) is { } tb ? ta + tb : ta,
    };

    /// <summary>a − b with broadcasting.</summary>
    public static Tensor Sub(Tensor a, Tensor b) => IsFloatPair(a, b)
        ? SubDefinition.Record(Elementwise.Map("Sub", a, b, new SubOp()), [a, b])
        : PromotedBinary(SubDefinition, a, b, new SubOp(), new IntSubOp());

    private static readonly OpDefinition<NoArgs> SubDefinition = new("Sub", "SubBackward")
    {
        Differentiable = Operands.All,
        Backward = static c => [c.NeedsGrad(0) ? c.SumToInput(0, c.Grad) : null, c.NeedsGrad(1) ? c.SumToInput(1, -c.Grad) : null],
        Jvp = static c => c.Tangent(0) is not { } ta ? -c.Tangent(1)! : c.Tangent(1) is { } tb ? ta - tb : ta,
    };

    /// <summary>a · b elementwise with broadcasting.</summary>
    public static Tensor Mul(Tensor a, Tensor b) => IsFloatPair(a, b)
        ? MulDefinition.Record(Elementwise.Map("Mul", a, b, new MulOp()), [a, b])
        : PromotedBinary(MulDefinition, a, b, new MulOp(), new IntMulOp());

    // Bilinear: each operand's gradient needs only the other, so an operand is saved only when the other requires grad.
    private static readonly OpDefinition<NoArgs> MulDefinition = new("Mul", "MulBackward")
    {
        Differentiable = Operands.All,
        Saves = [Save.Input(0).IfRequiresGrad(1), Save.Input(1).IfRequiresGrad(0)],
        Backward = static c =>
        [
            c.NeedsGrad(0) ? c.SumToInput(0, c.Grad * c.Input(1)) : null,
            c.NeedsGrad(1) ? c.SumToInput(1, c.Grad * c.Input(0)) : null,
        ],
        // d(ab) = da·b + a·db
        Jvp = static c => BilinearTangent(c, static (a, b, _) => a * b),
    };

    /// <summary>a / b elementwise with broadcasting.</summary>
    /// <remarks>True division: integer and bool operands divide in the default floating dtype, as PyTorch's <c>torch.div</c>.</remarks>
    public static Tensor Div(Tensor a, Tensor b)
    {
        if (IsFloatPair(a, b))
        {
            return DivDefinition.Record(Elementwise.Map("Div", a, b, new DivOp()), [a, b]);
        }
        var dtype = FloatingResultType(ResultType(a, b));
        return Div(a.PromotedTo(dtype), b.PromotedTo(dtype));
    }

    private static readonly OpDefinition<NoArgs> DivDefinition = new("Div", "DivBackward")
    {
        Differentiable = Operands.All,
        Saves = [Save.Input(0).IfRequiresGrad(1), Save.Input(1)],
        Backward = static c =>
        [
            c.NeedsGrad(0) ? c.SumToInput(0, c.Grad / c.Input(1)) : null,
            c.NeedsGrad(1) ? c.SumToInput(1, -c.Grad * c.Input(0) / (c.Input(1) * c.Input(1))) : null,
        ],
        // d(a/b) = (da − (a/b)·db) / b
        Jvp = static c => c.Tangent(1) is not { } tb
            ? c.Tangent(0)! / c.Input(1)
            : ((c.Tangent(0) is { } ta ? ta - c.Output() * tb : -(c.Output() * tb)) / c.Input(1)),
    };

    /// <summary>x + s for a floating scalar s; an integer or bool tensor gives the default floating dtype (<see cref="ResultType(Tensor, double)"/>).</summary>
    public static Tensor Add(Tensor x, double s) => IsFloat(x)
        ? AddScalarDefinition.Record(Elementwise.Map(x, new ScalarOp<AddOp>(s, false)), [x, null], new(s, 1))
        : Add(x.PromotedTo(ResultType(x, s)), ScalarTensor(s, ResultType(x, s)));

    /// <summary>x + s for an integer scalar s: an integer tensor keeps its dtype (<c>int64 + 2</c> is Int64), a floating one too.</summary>
    public static Tensor Add(Tensor x, long s) => IsFloat(x) ? Add(x, (double)s) : Add(x.PromotedTo(ResultType(x, s)), ScalarTensor(s, ResultType(x, s)));

    /// <summary>x − s for a floating scalar s; an integer or bool tensor gives the default floating dtype.</summary>
    public static Tensor Sub(Tensor x, double s) => IsFloat(x)
        ? SubScalarDefinition.Record(Elementwise.Map(x, new ScalarOp<SubOp>(s, false)), [x, null], new(s, 1))
        : Sub(BoolSubChecked(x).PromotedTo(ResultType(x, s)), ScalarTensor(s, ResultType(x, s)));

    /// <summary>x − s for an integer scalar s, in the dtype of <see cref="ResultType(Tensor, long)"/>.</summary>
    public static Tensor Sub(Tensor x, long s) => IsFloat(x) ? Sub(x, (double)s) : Sub(BoolSubChecked(x).PromotedTo(ResultType(x, s)), ScalarTensor(s, ResultType(x, s)));

    /// <summary>s − x for a floating scalar s; an integer or bool tensor gives the default floating dtype.</summary>
    public static Tensor Sub(double s, Tensor x) => IsFloat(x)
        ? RsubScalarDefinition.Record(Elementwise.Map(x, new ScalarOp<SubOp>(s, true)), [null, x], new(s, -1))
        : Sub(ScalarTensor(s, ResultType(x, s)), BoolSubChecked(x).PromotedTo(ResultType(x, s)));

    /// <summary>s − x for an integer scalar s, in the dtype of <see cref="ResultType(Tensor, long)"/>.</summary>
    public static Tensor Sub(long s, Tensor x) => IsFloat(x) ? Sub((double)s, x) : Sub(ScalarTensor(s, ResultType(x, s)), BoolSubChecked(x).PromotedTo(ResultType(x, s)));

    /// <summary>The tensor itself, after refusing a Bool one as the operand of a subtraction (PyTorch refuses it even with a scalar).</summary>
    private static Tensor BoolSubChecked(Tensor x)
    {
        CheckBoolSub(x.DType, DType.Int64);
        return x;
    }

    /// <summary>x · s for a floating scalar s; an integer or bool tensor gives the default floating dtype.</summary>
    public static Tensor Mul(Tensor x, double s) => IsFloat(x)
        ? MulScalarDefinition.Record(Elementwise.Map(x, new ScalarOp<MulOp>(s, false)), [x, null], new(s, s))
        : Mul(x.PromotedTo(ResultType(x, s)), ScalarTensor(s, ResultType(x, s)));

    /// <summary>x · s for an integer scalar s, in the dtype of <see cref="ResultType(Tensor, long)"/>.</summary>
    public static Tensor Mul(Tensor x, long s) => IsFloat(x) ? Mul(x, (double)s) : Mul(x.PromotedTo(ResultType(x, s)), ScalarTensor(s, ResultType(x, s)));

    /// <summary>x / s for a scalar s (true division: an integer or bool tensor gives the default floating dtype).</summary>
    public static Tensor Div(Tensor x, double s) => IsFloat(x)
        ? DivScalarDefinition.Record(Elementwise.Map(x, new ScalarOp<DivOp>(s, false)), [x, null], new(s, 1 / s))
        : Div(x.PromotedTo(FloatingResultType(ResultType(x, s))), ScalarTensor(s, FloatingResultType(ResultType(x, s))));

    /// <summary>x / s for an integer scalar s (true division, as <see cref="Div(Tensor, double)"/>).</summary>
    public static Tensor Div(Tensor x, long s) => Div(x, (double)s);

    // A tensor-scalar op: the scalar is an operand too, a constant (PyTorch's wrapped number: next_functions has an entry
    // for it), traced as a 0-d constant so that it exports as the tensor op it equals. Its derivative is a constant.
    private static readonly OpDefinition<ScalarArgs> AddScalarDefinition = ScalarDefinition("Add", "AddBackward");
    private static readonly OpDefinition<ScalarArgs> SubScalarDefinition = ScalarDefinition("Sub", "SubBackward");
    private static readonly OpDefinition<ScalarArgs> RsubScalarDefinition = ScalarDefinition("Sub", "RsubBackward");
    private static readonly OpDefinition<ScalarArgs> MulScalarDefinition = ScalarDefinition("Mul", "MulBackward");
    private static readonly OpDefinition<ScalarArgs> DivScalarDefinition = ScalarDefinition("Div", "DivBackward");

    private static OpDefinition<ScalarArgs> ScalarDefinition(string name, string backwardName) => new(name, backwardName)
    {
        Differentiable = Operands.All,
        // The constant's edge receives nothing; the tensor operand is the non-null one.
        Backward = static c => c.NeedsGrad(0) ? [c.Args.Scale(c.Grad), null] : [null, c.Args.Scale(c.Grad)],
        Jvp = static c => c.Args.Scale(c.Tangent(0) ?? c.Tangent(1)!),
        TracedScalar = static a => a.Scalar,
    };

    /// <summary>s / x for a scalar s.</summary>
    public static Tensor Div(double s, Tensor x) => IsFloat(x)
        ? RdivScalarDefinition.Record(Elementwise.Map(x, new ScalarOp<DivOp>(s, scalarFirst: true)), [null, x], new(s, 0))
        : Div(ScalarTensor(s, FloatingResultType(ResultType(x, s))), x.PromotedTo(FloatingResultType(ResultType(x, s))));

    /// <summary>s / x for an integer scalar s (true division, as <see cref="Div(double, Tensor)"/>).</summary>
    public static Tensor Div(long s, Tensor x) => Div((double)s, x);

    private static readonly OpDefinition<ScalarArgs> RdivScalarDefinition = new("Div", "DivBackward")
    {
        Differentiable = Operands.Second,
        Saves = [Save.Input(1), Save.Output()],
        // d(s/x) = −s/x² = −r/x
        Backward = static c => [-c.Grad * c.Output() / c.Input(1)],
        Jvp = static c => -c.Tangent(1)! * c.Output() / c.Input(1),
        TracedScalar = static a => a.Scalar,
    };

    /// <summary>−x.</summary>
    /// <remarks>Integers wrap (−min is min); a Bool tensor is refused with PyTorch's message.</remarks>
    public Tensor Neg()
    {
        if (IsFloat(this))
        {
            return NegDefinition.Record(Elementwise.Map(this, new UnaryOp(UnaryKind.Neg)), [this]);
        }
        if (DType == DType.Bool)
        {
            throw new NotSupportedException("Neg: negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` operator or LogicalNot() instead (PyTorch: \"Negation, the `-` operator, on a bool tensor is not supported\").");
        }
        return NegDefinition.Record(IntegerOrHalfUnary("Neg", this, new IntNegOp(), new UnaryOp(UnaryKind.Neg)), [this]);
    }

    private static readonly OpDefinition<NoArgs> NegDefinition = new("Neg", "NegBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [-c.Grad],
        Jvp = static c => -c.Tangent(0)!,
    };

    /// <summary>
    /// The tangent of a product bilinear in operands 0 and 1 (Mul, Dot, Mm, the convolutions): product(ta, b) + product(a, tb),
    /// skipping a missing tangent. The product is a static lambda of the two tensors and the op's arguments.
    /// </summary>
    internal static Tensor BilinearTangent<TArgs>(JvpCall<TArgs> c, Func<Tensor, Tensor, TArgs, Tensor> product)
    {
        var ta = c.Tangent(0);
        var tb = c.Tangent(1);
        return ta is null ? product(c.Input(0), tb!, c.Args)
            : tb is null ? product(ta, c.Input(1), c.Args)
            : product(ta, c.Input(1), c.Args) + product(c.Input(0), tb, c.Args);
    }

    /// <summary>Reduces a broadcast gradient back to <paramref name="shape"/> by summing the broadcast dims (PyTorch's <c>sum_to_size</c>).</summary>
    public Tensor SumToShape(int[] shape)
    {
        if (Shapes.SameShape(_shape, shape))
        {
            return this;
        }
        int lead = Rank - shape.Length;
        if (lead < 0)
        {
            throw new ArgumentException($"SumToShape: shape {Shapes.Format(_shape)} cannot be reduced to the longer shape {Shapes.Format(shape)}.");
        }
        var dims = new List<int>();
        for (int i = 0; i < Rank; i++)
        {
            if (i < lead)
            {
                dims.Add(i);
            }
            else if (shape[i - lead] == 1 && _shape[i] != 1)
            {
                dims.Add(i);
            }
            else if (shape[i - lead] != _shape[i])
            {
                throw new ArgumentException($"SumToShape: shape {Shapes.Format(_shape)} is not expandable from {Shapes.Format(shape)}.");
            }
        }
        var summed = dims.Count == 0 ? this : Sum(dims.ToArray(), keepDim: true);
        return lead == 0 ? summed : summed.Reshape(shape);
    }
}

/// <summary>The scalar of a tensor-scalar op and the op's constant derivative with respect to the tensor.</summary>
internal readonly record struct ScalarArgs(double Scalar, double Derivative)
{
    public Tensor Scale(Tensor t) => Derivative == 1 ? t : t * Derivative;
}
