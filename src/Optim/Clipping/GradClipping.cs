namespace MiniTorch.Optim;

/// <summary>
/// Gradient clipping (PyTorch's <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>), applied in
/// place to the gradients between <see cref="Tensor.Backward"/> and <see cref="Optimizer.Step"/>.
/// Parameters without a gradient are skipped.
/// </summary>
public static class GradClipping
{
    // Keeps the clip coefficient finite when the total norm is 0, as in PyTorch.
    private const double NormEpsilon = 1e-6;

    /// <summary>
    /// Scales all gradients together so that their total norm (the norm of the norms of each gradient) is at most
    /// <paramref name="maxNorm"/>: each gradient is multiplied by min(1, maxNorm / (total + 1e-6)).
    /// </summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="maxNorm">The largest total norm allowed (≥ 0).</param>
    /// <param name="normType">The p of the p-norm (&gt; 0), or <see cref="double.PositiveInfinity"/> for the largest absolute value.</param>
    /// <param name="errorIfNonfinite">Throw if the total norm is NaN or infinite instead of scaling by it.</param>
    /// <returns>The total norm of the gradients before clipping, as a scalar tensor of the gradients' dtype (0 if none has a gradient).</returns>
    /// <exception cref="InvalidOperationException">The total norm is not finite and <paramref name="errorIfNonfinite"/> is set.</exception>
    public static Tensor ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        HyperParameters.NonNegative(maxNorm, "max_norm", nameof(maxNorm));
        if (!(normType > 0))
        {
            throw new ArgumentException(HyperParameters.Invariant($"Invalid normType: {normType}; it must be > 0 (or PositiveInfinity)."), nameof(normType));
        }
        var grads = Gradients(parameters);
        if (grads.Count == 0)
        {
            return Tensor.Scalar(0);
        }
        using var noGrad = Autograd.NoGrad();
        double total = 0;
        bool infinityNorm = double.IsPositiveInfinity(normType);
        foreach (var grad in grads)
        {
            double norm = grad.Norm(normType).Item();
            // Math.Max and Math.Min propagate NaN, so a NaN gradient makes the total and the coefficient NaN, as in PyTorch.
            total = infinityNorm ? Math.Max(total, norm) : total + Math.Pow(norm, normType);
        }
        if (!infinityNorm)
        {
            total = Math.Pow(total, 1 / normType);
        }
        if (errorIfNonfinite && !double.IsFinite(total))
        {
            throw new InvalidOperationException(HyperParameters.Invariant(
                $"The total norm of order {normType} for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false."));
        }
        double coefficient = Math.Min(maxNorm / (total + NormEpsilon), 1.0);
        foreach (var grad in grads)
        {
            grad.MulInPlace(coefficient);
        }
        return Tensor.Scalar(total, grads[0].DType);
    }

    /// <summary>Clamps every gradient element into [−<paramref name="clipValue"/>, <paramref name="clipValue"/>].</summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="clipValue">The largest absolute value allowed (≥ 0).</param>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        HyperParameters.NonNegative(clipValue, "clip_value", nameof(clipValue));
        var grads = Gradients(parameters);
        using var noGrad = Autograd.NoGrad();
        foreach (var grad in grads)
        {
            grad.ClampInPlace(-clipValue, clipValue);
        }
    }

    /// <summary>The gradients to clip, detached from any graph recorded with createGraph (PyTorch's <c>p.grad.detach()</c>).</summary>
    private static List<Tensor> Gradients(IEnumerable<Tensor> parameters)
    {
        var grads = new List<Tensor>();
        int index = 0;
        foreach (var p in parameters)
        {
            if (p is null)
            {
                throw new ArgumentException($"the parameter at index {index} is null.", nameof(parameters));
            }
            if (p.Grad is { } grad)
            {
                grads.Add(grad.IsLeaf ? grad : grad.Detach());
            }
            index++;
        }
        return grads;
    }
}
