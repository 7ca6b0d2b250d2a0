using MiniTorch;

namespace ForwardVsReverse;

/// <summary>
/// The two shapes of function the d2l notes contrast: a loss f: Rⁿ → R (many inputs, one output) and a curve
/// g: R → Rᵐ (one input, many outputs). Both are <see cref="Depth"/> layers deep, so reverse mode has a graph
/// of that many layers to keep for backward while forward mode carries one tangent alongside each value.
/// </summary>
public static class Workloads
{
    /// <summary>The number of layers of each function.</summary>
    public const int Depth = 16;

    /// <summary>f(x) = Σ hₗ², with h₀ = x and hₗ₊₁ = tanh(0.9·hₗ + 0.1·mean(hₗ) + 0.1): every output depends on every input.</summary>
    public static Tensor Loss(Tensor x)
    {
        var h = x;
        for (int l = 0; l < Depth; l++)
        {
            h = (h * 0.9 + h.Mean() * 0.1 + 0.1).Tanh();
        }
        return (h * h).Sum();
    }

    /// <summary>g(t) = hₗ with h₀ = t·k for m frequencies k in [0.1, 1] and the same layers as <see cref="Loss"/>.</summary>
    public static Func<Tensor, Tensor> Curve(int m)
    {
        var k = Tensor.Linspace(0.1, 1, m, DType.Float64);
        return t =>
        {
            var h = t * k;
            for (int l = 0; l < Depth; l++)
            {
                h = (h * 0.9 + h.Mean() * 0.1 + 0.1).Tanh();
            }
            return h;
        };
    }
}
