namespace MiniTorch.Examples.Activations;

/// <summary>
/// Mish, x·tanh(softplus(x)) (Misra, 2019; PyTorch's <c>F.mish</c>).
/// d/dx = t + x·(1 − t²)·σ(x) with t = tanh(softplus(x)), since softplus′ = σ.
/// </summary>
internal sealed class MishFunction : Function
{
    public override string Name => "Mish";

    protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
    {
        var x = inputs[0];
        ctx.SaveForBackward(x);
        return ScalarMath.Map(x, v => v * Math.Tanh(ScalarMath.Softplus(v)));
    }

    protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
    {
        var x = ctx.SavedTensors[0];
        var t = SoftplusFunction.StableSoftplus(x).Tanh();
        return [gradOutput * (t + x * (1 - t * t) * x.Sigmoid())];
    }
}
