using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>max(x, 0) elementwise; the gradient at 0 is 0, as in PyTorch.</summary>
    public Tensor Relu() => ReluDefinition.Record(Elementwise.Map(this, new ScalarOp<MaxOp>(0)), [this]);

    private static readonly OpDefinition<NoArgs> ReluDefinition = UnaryDefinitions.SavingOutput("Relu", "ReluBackward", static (g, y) => ReluGrad(g, y));

    /// <summary>
    /// ReLU's backward, g where y &gt; 0 and g·0 elsewhere, fused (no mask tensor) and bit-identical to <c>g * y.Gt(0)</c>.
    /// Linear in g with a mask that has no derivative, so its own backward (and tangent) is itself applied to the
    /// incoming gradient, and y gets no gradient, as through the composite's comparison.
    /// </summary>
    internal static Tensor ReluGrad(Tensor g, Tensor y) => ReluGradDefinition.Record(Elementwise.Map("ReluGrad", g, y, new ReluGradOp()), [g, y]);

    private static readonly OpDefinition<NoArgs> ReluGradDefinition = new("ReluGrad", "ReluBackwardBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(1)],
        Backward = static c => [ReluGrad(c.Grad, c.Input(1))],
        Jvp = static c => ReluGrad(c.Tangent(0)!, c.Input(1)),
    };

    /// <summary>x where x &gt; 0, <paramref name="negativeSlope"/>·x elsewhere (PyTorch's default slope 0.01).</summary>
    public Tensor LeakyRelu(double negativeSlope = 0.01) =>
        LeakyReluDefinition.Record(Elementwise.Map(this, new LeakyReluOp(negativeSlope)), [this], negativeSlope);

    // Elementwise, so the same formula maps a gradient backward and a tangent forward.
    private static readonly OpDefinition<double> LeakyReluDefinition = new("LeakyRelu", "LeakyReluBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(0)],
        Backward = static c => [LeakyReluDerivative(c.Grad, c.Input(0), c.Args)],
        Jvp = static c => LeakyReluDerivative(c.Tangent(0)!, c.Input(0), c.Args),
        Attributes = static slope => new OpAttributes { { "negativeSlope", slope } },
    };

    private static Tensor LeakyReluDerivative(Tensor g, Tensor x, double slope)
    {
        var positive = x.Gt(0).To(x.DType);
        return g * (positive + (1 - positive) * slope);
    }

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
