namespace MiniTorch.Optim;

/// <summary>
/// The gradient terms the built-in optimizers share, computed without touching the parameter's own
/// <see cref="Tensor.Grad"/>: a user may read the gradient after the step, as in PyTorch.
/// </summary>
internal static class DirectionTerms
{
    /// <summary>
    /// −g when maximizing, then + λθ for an L2 weight decay λ (PyTorch's order). Returns <paramref name="grad"/>
    /// itself when neither applies, else a new tensor.
    /// </summary>
    public static Tensor Gradient(Tensor parameter, Tensor grad, double weightDecay, bool maximize)
    {
        var g = maximize ? grad.Neg() : grad;
        if (weightDecay != 0)
        {
            g = Owned(g, grad).AddInPlace(parameter, weightDecay);
        }
        return g;
    }

    /// <summary><paramref name="term"/> if it is a temporary of the step, a copy if it is the parameter's gradient itself.</summary>
    public static Tensor Owned(Tensor term, Tensor grad) => ReferenceEquals(term, grad) ? grad.Clone() : term;
}
