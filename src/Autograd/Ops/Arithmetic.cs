using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>a + b with broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        var r = Elementwise.Map("Add", a, b, new AddOp());
        if (Node.IsNeeded(a, b))
        {
            new AddBackward().Connect(r, a, b);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Binary(r, a, b, static (ta, tb, _, _, _) => ta is null ? tb! : tb is null ? ta : ta + tb);
        }
        Tracing.Record("Add", r, a, b);
        return r;
    }

    /// <summary>a − b with broadcasting.</summary>
    public static Tensor Sub(Tensor a, Tensor b)
    {
        var r = Elementwise.Map("Sub", a, b, new SubOp());
        if (Node.IsNeeded(a, b))
        {
            new SubBackward().Connect(r, a, b);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Binary(r, a, b, static (ta, tb, _, _, _) => ta is null ? -tb! : tb is null ? ta : ta - tb);
        }
        Tracing.Record("Sub", r, a, b);
        return r;
    }

    /// <summary>a · b elementwise with broadcasting.</summary>
    public static Tensor Mul(Tensor a, Tensor b)
    {
        var r = Elementwise.Map("Mul", a, b, new MulOp());
        if (Node.IsNeeded(a, b))
        {
            new MulBackward(a, b).Connect(r, a, b);
        }
        if (ForwardAD.IsActive)
        {
            // d(ab) = da·b + a·db
            Jvp.Binary(r, a, b, static (ta, tb, a, b, _) => ta is null ? a * tb! : tb is null ? ta * b : ta * b + a * tb);
        }
        Tracing.Record("Mul", r, a, b);
        return r;
    }

    /// <summary>a / b elementwise with broadcasting.</summary>
    public static Tensor Div(Tensor a, Tensor b)
    {
        var r = Elementwise.Map("Div", a, b, new DivOp());
        if (Node.IsNeeded(a, b))
        {
            new DivBackward(a, b).Connect(r, a, b);
        }
        if (ForwardAD.IsActive)
        {
            // d(a/b) = (da − (a/b)·db) / b
            Jvp.Binary(r, a, b, static (ta, tb, _, b, r) => tb is null ? ta! / b : ta is null ? -(r * tb) / b : (ta - r * tb) / b);
        }
        Tracing.Record("Div", r, a, b);
        return r;
    }

    /// <summary>x + s for a scalar s.</summary>
    public static Tensor Add(Tensor x, double s) => ScalarOp<AddOp>("Add", x, s, false, "AddBackward", 1);

    /// <summary>x − s for a scalar s.</summary>
    public static Tensor Sub(Tensor x, double s) => ScalarOp<SubOp>("Sub", x, s, false, "SubBackward", 1);

    /// <summary>s − x for a scalar s.</summary>
    public static Tensor Sub(double s, Tensor x) => ScalarOp<SubOp>("Sub", x, s, true, "RsubBackward", -1);

    /// <summary>x · s for a scalar s.</summary>
    public static Tensor Mul(Tensor x, double s) => ScalarOp<MulOp>("Mul", x, s, false, "MulBackward", s);

    /// <summary>x / s for a scalar s.</summary>
    public static Tensor Div(Tensor x, double s) => ScalarOp<DivOp>("Div", x, s, false, "DivBackward", 1 / s);

    /// <summary>s / x for a scalar s.</summary>
    public static Tensor Div(double s, Tensor x)
    {
        var r = Elementwise.Map(x, new ScalarOp<DivOp>(s, scalarFirst: true));
        if (Node.IsNeeded(x))
        {
            // d(s/x) = −s/x² = −r/x
            new SavedPairBackward("DivBackward", x, r, static (g, x, r) => -g * r / x).Connect(r, x);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Elementwise(r, x, x, r, static (t, x, r) => -t * r / x);
        }
        if (Tracing.IsActive)
        {
            Tracing.Record("Div", r, x.ScalarLike(s), x);
        }
        return r;
    }

    /// <summary>−x.</summary>
    public Tensor Neg()
    {
        var r = Elementwise.Map(this, new UnaryOp(UnaryKind.Neg));
        if (Node.IsNeeded(this))
        {
            new ScaleBackward("NegBackward", -1).Connect(r, this);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Linear(r, this, 0, static (t, _) => -t);
        }
        Tracing.Record("Neg", r, this);
        return r;
    }

    private static Tensor ScalarOp<TOp>(string op, Tensor x, double s, bool scalarFirst, string backwardName, double derivative)
        where TOp : struct, IBinaryOp
    {
        var r = Elementwise.Map(x, new ScalarOp<TOp>(s, scalarFirst));
        if (Node.IsNeeded(x))
        {
            // The scalar is an input too, a constant, as PyTorch's wrapped number: next_functions has an entry for it.
            new ScaleBackward(backwardName, derivative, scalarFirst ? 0 : 1).ConnectWithConstant(r, x, scalarFirst);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Linear(r, x, derivative, static (t, d) => d == 1 ? t : t * d);
        }
        if (Tracing.IsActive)
        {
            // The scalar is reported as a 0-d constant operand, so a scalar op traces as the tensor op it equals.
            var c = x.ScalarLike(s);
            Tracing.Record(op, r, scalarFirst ? c : x, scalarFirst ? x : c);
        }
        return r;
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

internal sealed class AddBackward : Node
{
    public override string Name => "AddBackward";

    internal override Tensor?[] Apply(Tensor g) =>
        [NeedsInputGrad(0) ? g.SumToShape(Edges[0].Shape) : null, NeedsInputGrad(1) ? g.SumToShape(Edges[1].Shape) : null];
}

internal sealed class SubBackward : Node
{
    public override string Name => "SubBackward";

    internal override Tensor?[] Apply(Tensor g) =>
        [NeedsInputGrad(0) ? g.SumToShape(Edges[0].Shape) : null, NeedsInputGrad(1) ? (-g).SumToShape(Edges[1].Shape) : null];
}

internal sealed class MulBackward : BilinearBackward
{
    public MulBackward(Tensor a, Tensor b, string name = "MulBackward") : base(name, a, b)
    {
    }

    internal override Tensor?[] Apply(Tensor g) =>
    [
        NeedsInputGrad(0) ? (g * B).SumToShape(Edges[0].Shape) : null,
        NeedsInputGrad(1) ? (g * A).SumToShape(Edges[1].Shape) : null,
    ];
}

internal sealed class DivBackward : Node
{
    private SavedTensor _a;
    private SavedTensor _b;

    public DivBackward(Tensor a, Tensor b)
    {
        if (b.RequiresGrad)
        {
            _a = new SavedTensor(a);
        }
        _b = new SavedTensor(b);
    }

    public override string Name => "DivBackward";

    internal override Tensor?[] Apply(Tensor g)
    {
        var b = _b.Unpack(this);
        return
        [
            NeedsInputGrad(0) ? (g / b).SumToShape(Edges[0].Shape) : null,
            NeedsInputGrad(1) ? (-g * _a.Unpack(this) / (b * b)).SumToShape(Edges[1].Shape) : null,
        ];
    }

    internal override void ReleaseSavedTensors()
    {
        _a.Release();
        _b.Release();
    }
}

/// <summary>Backward of ops whose derivative is a constant: g·c.</summary>
internal sealed class ScaleBackward : Node
{
    private readonly string _name;
    private readonly double _scale;

    private readonly int _constantInput;

    /// <param name="name">The node's name.</param>
    /// <param name="scale">The constant derivative.</param>
    /// <param name="constantInput">The position of a constant (scalar) second input, which gets no gradient; −1 for none.</param>
    public ScaleBackward(string name, double scale, int constantInput = -1)
    {
        _name = name;
        _scale = scale;
        _constantInput = constantInput;
    }

    public override string Name => _name;

    internal override Tensor?[] Apply(Tensor g)
    {
        var grad = _scale == 1 ? g : g * _scale;
        return _constantInput switch
        {
            0 => [null, grad],
            1 => [grad, null],
            _ => [grad],
        };
    }
}
