namespace MiniTorch.Examples.Activations;

/// <summary>
/// Swish, x·σ(βx) (Ramachandran et al., 2017); with β = 1 it is SiLU (PyTorch's <c>F.silu</c>).
/// d/dx = s + βx·s·(1 − s) with s = σ(βx).
/// </summary>
internal sealed class SwishFunction(double beta) : Function
{
    public override string Name => beta == 1 ? "Silu" : "Swish";

    protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
    {
        var x = inputs[0];
        ctx.SaveForBackward(x);
        return ScalarMath.Map(x, v => v * ScalarMath.Sigmoid(beta * v));
    }

    protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
    {
        // Tensor ops, so that with createGraph the derivative is itself differentiable (GradGradCheck checks it).
        var x = ctx.SavedTensors[0];
        var s = (x * beta).Sigmoid();
        return [gradOutput * (s + x * beta * s * (1 - s))];
    }
}
