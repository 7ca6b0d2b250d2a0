using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// max(x, 0) elementwise; the gradient at 0 is 0, as in PyTorch. Integer tensors keep their dtype (PyTorch's relu
    /// on int64); Bool is refused with PyTorch's message.
    /// </summary>
    public Tensor Relu()
    {
        if (DType.IsIntegral())
        {
            return ReluDefinition.Record(IntegerRelu(), [this]);
        }
        if (DType == DType.Bool)
        {
            throw new NotSupportedException("Relu: Boolean inputs not supported for relu (PyTorch's message); convert with To(DType.Float32) or To(DType.Int64) first.");
        }
        DTypeCheck.RequireFloating("Relu", this, "clamp_min_cpu");
        return ReluDefinition.Record(Elementwise.Map(this, new ScalarOp<MaxOp>(0)), [this]);
    }

    private Tensor IntegerRelu()
    {
        var values = ToLongArray();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Math.Max(values[i], 0);
        }
        var r = Wrap(values, ShapeArray.AsSpan().ToArray());
        return DType == DType.Int64 ? r : r.ToRaw(DType);
    }

    private static readonly OpDefinition<NoArgs> ReluDefinition = UnaryDefinitions.SavingOutput("Relu", "ReluBackward", static (g, y) => ReluGrad(g, y));

    /// <summary>
    /// ReLU's backward, g where y &gt; 0 and g·0 elsewhere, fused (no mask tensor) and bit-identical to <c>g * y.Gt(0)</c>.
    /// Linear in g with a mask that has no derivative, so its own backward (and tangent) is itself applied to the
    /// incoming gradient. Differentiable in y too, with a zero gradient, as libtorch's threshold_backward: a first-order
    /// gradient built with createGraph therefore requires grad and differentiates to zeros, as in PyTorch.
    /// </summary>
    internal static Tensor ReluGrad(Tensor g, Tensor y) => ReluGradDefinition.Record(Elementwise.Map("ReluGrad", g, y, new ReluGradOp()), [g, y]);

    private static readonly OpDefinition<NoArgs> ReluGradDefinition = new("ReluGrad", "ReluBackwardBackward")
    {
        Differentiable = Operands.All,
        Saves = [Save.Input(1)],
        Backward = static c => [c.NeedsGrad(0) ? ReluGrad(c.Grad, c.Input(1)) : null, c.NeedsGrad(1) ? ZerosLike(c.Input(1)) : null],
        // y's tangent contributes nothing (the mask is piecewise constant).
        Jvp = static c => c.Tangent(0) is { } t ? ReluGrad(t, c.Input(1)) : null,
    };

    /// <summary>x where x &gt; 0, <paramref name="negativeSlope"/>·x elsewhere (PyTorch's default slope 0.01).</summary>
    public Tensor LeakyRelu(double negativeSlope = 0.01)
    {
        DTypeCheck.RequireFloating("LeakyRelu", this, "leaky_relu_cpu");
        return LeakyReluDefinition.Record(Elementwise.Map(this, new LeakyReluOp(negativeSlope)), [this], negativeSlope);
    }

    // Elementwise, so the same formula maps a gradient backward and a tangent forward.
    private static readonly OpDefinition<double> LeakyReluDefinition = new("LeakyRelu", "LeakyReluBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(0)],
        Backward = static c => [LeakyReluGrad(c.Grad, c.Input(0), c.Args)],
        Jvp = static c => LeakyReluGrad(c.Tangent(0)!, c.Input(0), c.Args),
        Attributes = static slope => new OpAttributes { { "negativeSlope", slope } },
    };

    /// <summary>
    /// LeakyReLU's backward, g where x &gt; 0 and g·slope elsewhere, in one pass (the values of the composite
    /// <c>g * (x.Gt(0) + (1 − x.Gt(0))·slope)</c> it replaced). Like libtorch's leaky_relu_backward it is linear in g and
    /// differentiable in x with a zero gradient, so a first-order gradient built with createGraph requires grad and
    /// differentiates to zeros, as in PyTorch.
    /// </summary>
    internal static Tensor LeakyReluGrad(Tensor g, Tensor x, double slope) =>
        LeakyReluGradDefinition.Record(Elementwise.Map("LeakyReluGrad", g, x, new LeakyReluGradOp(slope)), [g, x], slope);

    private static readonly OpDefinition<double> LeakyReluGradDefinition = new("LeakyReluGrad", "LeakyReluBackwardBackward")
    {
        Differentiable = Operands.All,
        Saves = [Save.Input(1)],
        Backward = static c => [c.NeedsGrad(0) ? LeakyReluGrad(c.Grad, c.Input(1), c.Args) : null, c.NeedsGrad(1) ? ZerosLike(c.Input(1)) : null],
        // x's tangent contributes nothing (the slope switch is piecewise constant).
        Jvp = static c => c.Tangent(0) is { } t ? LeakyReluGrad(t, c.Input(1), c.Args) : null,
        Attributes = static slope => new OpAttributes { { "negativeSlope", slope } },
    };

    /// <summary>
    /// Clamps every element into [<paramref name="min"/>, <paramref name="max"/>]; a null bound is not applied.
    /// The gradient passes where min ≤ x ≤ max, as in PyTorch.
    /// </summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null)
        {
            throw new ArgumentException("Clamp: at least one of 'min' or 'max' must not be null.");
        }
        if (!IsFloat(this))
        {
            return ClampNonFloat(min, max);
        }
        // Each bound on its own: ClampOp reads NaN as "no bound", so a lone NaN bound would silently do nothing.
        if ((min is double lo && double.IsNaN(lo)) || (max is double hi && double.IsNaN(hi)))
        {
            throw new ArgumentException($"Clamp: bounds must not be NaN (min={min?.ToString() ?? "null"}, max={max?.ToString() ?? "null"}).");
        }
        return ClampDefinition.Record(Elementwise.Map(this, new ClampOp(min ?? double.NaN, max ?? double.NaN)), [this], new(min, max));
    }

    private static readonly OpDefinition<ClampBounds> ClampDefinition = new("Clamp", "ClampBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(0)],
        Backward = static c => [c.Args.Pass(c.Grad, c.Input(0))],
        Jvp = static c => c.Args.Pass(c.Tangent(0)!, c.Input(0)),
        Attributes = static b => new OpAttributes { { "min", b.Min }, { "max", b.Max } },
    };

    /// <summary>Clamp's bounds; a null bound is not applied.</summary>
    private readonly record struct ClampBounds(double? Min, double? Max)
    {
        /// <summary>g where min ≤ x ≤ max, 0 elsewhere: elementwise, so it maps a gradient backward and a tangent forward.</summary>
        public Tensor Pass(Tensor g, Tensor x)
        {
            var pass = g;
            if (Min is double lo)
            {
                pass = pass * x.Ge(lo);
            }
            if (Max is double hi)
            {
                pass = pass * x.Le(hi);
            }
            return pass;
        }
    }
}
