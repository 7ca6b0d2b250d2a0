using MiniTorch;
using MiniTorch.Plugins;

namespace MyOps;

/// <summary>
/// Squareplus, (x + √(x² + b)) / 2 (Barron, 2021, "Squareplus: a softplus-like algebraic rectifier"): smooth like
/// softplus, with no exponential. Callers run it as <c>host.Ops.Invoke("squareplus", x)</c>, or with another b as
/// <c>host.Ops.Invoke("squareplus", [x], new Dictionary&lt;string, double&gt; { ["b"] = 1 })</c>.
/// </summary>
public static class SquareplusOp
{
    /// <summary>The op: its name, inputs, attributes with defaults, and the samples validation runs it on.</summary>
    public static OpDefinition Definition { get; } = new()
    {
        Name = "squareplus",
        Description = "(x + sqrt(x^2 + b)) / 2, a softplus-like algebraic rectifier (Barron, 2021)",
        Inputs = ["input"],
        Attributes = new Dictionary<string, double> { ["b"] = 4 },
        Create = a => a["b"] > 0
            ? new SquareplusFunction(a["b"])
            : throw new ArgumentOutOfRangeException("b", a["b"], "squareplus: b must be above 0 (at b = 0 it is ReLU, which has no derivative at 0)."),
        // Shapes (and attributes) OpCheck runs every check on, with seeded float64 values: a matrix with the default b,
        // and a vector reaching far into both tails with a small b, where the curve bends sharply near 0.
        Samples =
        [
            new OpSample([3, 4]),
            new OpSample([7]) { ValueRange = (-6, 6), Attributes = new Dictionary<string, double> { ["b"] = 0.25 } },
        ],
    };
}

/// <summary>
/// The computation: forward on plain arrays (it runs without recording a graph, so any code will do), backward with
/// tensor ops, so that the derivative is itself differentiable (second derivatives, checked by GradGradCheck).
/// d/dx = (1 + x / √(x² + b)) / 2.
/// </summary>
internal sealed class SquareplusFunction(double b) : Function
{
    public override string Name => "Squareplus";

    protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
    {
        var x = inputs[0];
        ctx.SaveForBackward(x);
        var values = x.ToDoubleArray();
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            values[i] = (v + Math.Sqrt(v * v + b)) / 2;
        }
        // A new tensor of the input's shape and dtype: the op never modifies its input.
        return Tensor.FromArray(values, x.Shape).To(x.DType);
    }

    protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
    {
        var x = ctx.SavedTensors[0];
        return [gradOutput * (1 + x / (x * x + b).Sqrt()) / 2];
    }
}
