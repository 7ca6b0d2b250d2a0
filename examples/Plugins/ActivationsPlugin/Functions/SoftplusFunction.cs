namespace MiniTorch.Examples.Activations;

/// <summary>
/// Softplus with PyTorch's semantics (<c>F.softplus(x, beta, threshold)</c>): log(1 + e^(βx))/β, and x itself where
/// βx &gt; threshold, for numerical stability. The gradient is σ(βx), and 1 in the linear region.
/// </summary>
/// <remarks>
/// Where PyTorch's float computation of log1p(exp(βx)) overflows (βx above ~88 in float32 with a threshold raised
/// that high), this one computes βx + log1p(e^(−βx)) and stays finite.
/// </remarks>
internal sealed class SoftplusFunction(double beta, double threshold) : Function
{
    public override string Name => "Softplus";

    protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
    {
        var x = inputs[0];
        ctx.SaveForBackward(x);
        return ScalarMath.Map(x, v => beta * v > threshold ? v : ScalarMath.Softplus(beta * v) / beta);
    }

    protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
    {
        var x = ctx.SavedTensors[0];
        var z = x * beta;
        return [gradOutput * Tensor.Where(z.Gt(threshold), 1.0, z.Sigmoid())];
    }

    /// <summary>softplus(x) = relu(x) + log(1 + e^−|x|) with differentiable tensor ops, for backward formulas that need it.</summary>
    internal static Tensor StableSoftplus(Tensor x) => x.Relu() + ((-x.Abs()).Exp() + 1).Log();
}
