using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>max(x, 0) elementwise; the gradient at 0 is 0, as in PyTorch.</summary>
    public Tensor Relu()
    {
        var r = Elementwise.Map(this, new ScalarOp<MaxOp>(0));
        if (Node.IsNeeded(this))
        {
            new SavedOneBackward("ReluBackward", r, static (g, y) => ReluGrad(g, y)).Connect(r, this);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Elementwise(r, this, r, static (t, y) => ReluGrad(t, y));
        }
        Tracing.Record("Relu", r, this);
        return r;
    }

    /// <summary>
    /// ReLU's backward, g where y &gt; 0 and g·0 elsewhere, fused (no mask tensor) and bit-identical to <c>g * y.Gt(0)</c>.
    /// Linear in g with a mask that has no derivative, so its own backward (and tangent) is itself applied to the
    /// incoming gradient, and y gets no gradient, as through the composite's comparison.
    /// </summary>
    internal static Tensor ReluGrad(Tensor g, Tensor y)
    {
        var r = Elementwise.Map("ReluGrad", g, y, new ReluGradOp());
        if (Node.IsNeeded(g))
        {
            new SavedOneBackward("ReluBackwardBackward", y, static (u, y) => ReluGrad(u, y)).Connect(r, g);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Elementwise(r, g, y, static (t, y) => ReluGrad(t, y));
        }
        Tracing.Record("ReluGrad", r, g, y);
        return r;
    }

    /// <summary>x where x &gt; 0, <paramref name="negativeSlope"/>·x elsewhere (PyTorch's default slope 0.01).</summary>
    public Tensor LeakyRelu(double negativeSlope = 0.01)
    {
        var r = Elementwise.Map(this, new LeakyReluOp(negativeSlope));
        if (Node.IsNeeded(this))
        {
            new LeakyReluBackward(this, negativeSlope).Connect(r, this);
        }
        if (ForwardAD.IsActive)
        {
            LeakyReluBackward.Jvp(r, this, negativeSlope);
        }
        if (Tracing.IsActive)
        {
            Tracing.Record("LeakyRelu", [r], [this], new OpAttributes { { "negativeSlope", negativeSlope } });
        }
        return r;
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
        // Each bound on its own: ClampOp reads NaN as "no bound", so a lone NaN bound would silently do nothing.
        if ((min is double lo && double.IsNaN(lo)) || (max is double hi && double.IsNaN(hi)))
        {
            throw new ArgumentException($"Clamp: bounds must not be NaN (min={min?.ToString() ?? "null"}, max={max?.ToString() ?? "null"}).");
        }
        var r = Elementwise.Map(this, new ClampOp(min ?? double.NaN, max ?? double.NaN));
        if (Node.IsNeeded(this))
        {
            new ClampBackward(this, min, max).Connect(r, this);
        }
        if (ForwardAD.IsActive)
        {
            ClampBackward.Jvp(r, this, min, max);
        }
        if (Tracing.IsActive)
        {
            Tracing.Record("Clamp", [r], [this], new OpAttributes { { "min", min }, { "max", max } });
        }
        return r;
    }
}

internal sealed class LeakyReluBackward : Node
{
    private readonly double _slope;
    private SavedTensor _x;

    public LeakyReluBackward(Tensor x, double slope)
    {
        _x = new SavedTensor(x);
        _slope = slope;
    }

    public override string Name => "LeakyReluBackward";

    internal override Tensor?[] Apply(Tensor g)
    {
        return [Derivative(g, _x.Unpack(this), _slope)];
    }

    // Elementwise, so the same formula maps a gradient backward and a tangent forward.
    private static Tensor Derivative(Tensor g, Tensor x, double slope)
    {
        var positive = x.Gt(0);
        return g * (positive + (1 - positive) * slope);
    }

    internal static void Jvp(Tensor r, Tensor x, double slope)
    {
        if (ForwardAD.TangentOf(x) is { } t)
        {
            using var jvp = ForwardAD.Suspend();
            jvp.SetTangent(r, Derivative(t, x, slope));
        }
    }

    internal override void ReleaseSavedTensors() => _x.Release();
}

internal sealed class ClampBackward : Node
{
    private readonly double? _min;
    private readonly double? _max;
    private SavedTensor _x;

    public ClampBackward(Tensor x, double? min, double? max)
    {
        _x = new SavedTensor(x);
        _min = min;
        _max = max;
    }

    public override string Name => "ClampBackward";

    internal override Tensor?[] Apply(Tensor g)
    {
        return [Derivative(g, _x.Unpack(this), _min, _max)];
    }

    // Elementwise, so the same formula maps a gradient backward and a tangent forward.
    private static Tensor Derivative(Tensor g, Tensor x, double? min, double? max)
    {
        var pass = g;
        if (min is double lo)
        {
            pass = pass * x.Ge(lo);
        }
        if (max is double hi)
        {
            pass = pass * x.Le(hi);
        }
        return pass;
    }

    internal static void Jvp(Tensor r, Tensor x, double? min, double? max)
    {
        if (ForwardAD.TangentOf(x) is { } t)
        {
            using var jvp = ForwardAD.Suspend();
            jvp.SetTangent(r, Derivative(t, x, min, max));
        }
    }

    internal override void ReleaseSavedTensors() => _x.Release();
}
