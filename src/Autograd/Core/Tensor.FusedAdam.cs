using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// One Adam update of <paramref name="parameter"/> and its moment buffers <paramref name="expAvg"/> (m) and
    /// <paramref name="expAvgSq"/> (v), in place, in a single pass over the four tensors (PyTorch's
    /// <c>torch._fused_adam_</c>, for one tensor), split over the cores for large tensors:
    /// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − stepSize · m / (√v / √biasCorrection2 + ε).
    /// Per element it does exactly the IEEE operations of the unfused in-place ops, in their order
    /// (<c>expAvg.MulInPlace(β₁).AddInPlace(g, 1 − β₁)</c>, <c>expAvgSq.MulInPlace(β₂).AddcmulInPlace(g, g, 1 − β₂)</c>,
    /// <c>parameter.AddcdivInPlace(expAvg, expAvgSq.Sqrt().DivInPlace(√biasCorrection2).AddInPlace(ε), −stepSize)</c>),
    /// so the results are bit-identical to them and to PyTorch's single-tensor Adam.
    /// Returns false and changes nothing where the fused kernel does not apply: tensors that are not all contiguous,
    /// of one shape and dtype and of distinct storage, a tensor carrying a forward-mode tangent, or an update autograd
    /// would have to record (grad mode on and the parameter requiring grad). The caller then runs the unfused ops,
    /// which also raise the usual errors. Weight decay, AMSGrad and maximize are the caller's (they change g or v).
    /// </summary>
    /// <param name="parameter">θ, updated in place.</param>
    /// <param name="grad">g, the gradient (after weight decay or negation, if any); read only.</param>
    /// <param name="expAvg">m, the first moment, updated in place.</param>
    /// <param name="expAvgSq">v, the second moment, updated in place.</param>
    /// <param name="beta1">β₁.</param>
    /// <param name="beta2">β₂.</param>
    /// <param name="biasCorrection2">1 − β₂ᵗ for step t.</param>
    /// <param name="eps">ε.</param>
    /// <param name="stepSize">The learning rate divided by the first bias correction, γ / (1 − β₁ᵗ).</param>
    /// <returns>Whether the update was done; false means nothing changed.</returns>
    public static bool TryFusedAdamStepInPlace(Tensor parameter, Tensor grad, Tensor expAvg, Tensor expAvgSq, double beta1, double beta2, double biasCorrection2, double eps, double stepSize)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(grad);
        ArgumentNullException.ThrowIfNull(expAvg);
        ArgumentNullException.ThrowIfNull(expAvgSq);
        var (p, g, m, v) = (parameter, grad, expAvg, expAvgSq);
        if (Autograd.IsGradEnabled && p.RequiresGrad)
        {
            return false;
        }
        foreach (var t in (ReadOnlySpan<Tensor>)[p, g, m, v])
        {
            if (!t.IsContiguous || t.DType != p.DType || !Shapes.SameShape(t.ShapeSpan, p.ShapeSpan) || t.TangentLevel is not null)
            {
                return false;
            }
        }
        if (p.SharesStorageWith(g) || p.SharesStorageWith(m) || p.SharesStorageWith(v) || m.SharesStorageWith(v) || g.SharesStorageWith(m) || g.SharesStorageWith(v))
        {
            return false;
        }
        Tracing.CheckInPlace("AdamStep", p);
        if (p.DType == DType.Float32)
        {
            ParallelElementwise.For(p.Numel, new FusedAdamChunk<float>(p, g, m, v, beta1, beta2, biasCorrection2, eps, stepSize));
        }
        else
        {
            ParallelElementwise.For(p.Numel, new FusedAdamChunk<double>(p, g, m, v, beta1, beta2, biasCorrection2, eps, stepSize));
        }
        p.Storage.Version++;
        m.Storage.Version++;
        v.Storage.Version++;
        return true;
    }
}
