namespace MiniTorch.NN;

/// <summary>
/// The stateless functions behind the layers and losses (PyTorch's <c>torch.nn.functional</c>, usually imported as F).
/// Each is built from differentiable tensor ops, so its gradient of any order comes from autograd.
/// </summary>
public static partial class Functional
{

    /// <summary>GELU, x·Φ(x) with Φ the standard normal CDF (PyTorch's <c>F.gelu</c>).</summary>
    public static Tensor Gelu(Tensor input, GeluApproximation approximate = GeluApproximation.None)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Gelu(approximate);
    }

    /// <summary>
    /// Zeroes each element with probability <paramref name="p"/> and scales the rest by 1/(1 − p) in training, so the
    /// expected value is unchanged; returns the input itself when not <paramref name="training"/> (PyTorch's <c>F.dropout</c>).
    /// </summary>
    /// <param name="input">The activations.</param>
    /// <param name="p">The probability of zeroing an element, in [0, 1].</param>
    /// <param name="training">Apply dropout (true) or pass the input through.</param>
    /// <param name="generator">Draws the mask; <see cref="Generator.Default"/> if null. Seed it for repeatable runs.</param>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckProbability("Dropout", p);
        if (!training || p == 0)
        {
            return input;
        }
        if (p == 1)
        {
            return input * 0;
        }
        // Keep where u ≥ p for u ~ U[0, 1): probability 1 − p. The scale is folded into the mask, one multiply.
        var keep = Tensor.Rand(input.Shape, input.DType, generator).Ge(p).To(input.DType) * (1 / (1 - p));
        return input * keep;
    }

    internal static void CheckProbability(string op, double p)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, $"{op}: dropout probability has to be between 0 and 1, but got {p}.");
        }
    }
}
