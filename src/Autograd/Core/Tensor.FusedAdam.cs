using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// One Adam update of a parameter and its two moment buffers in a single pass (see <see cref="FusedAdamChunk{T}"/>),
    /// split over the cores for large tensors. Returns false, changing nothing, where the fused kernel does not apply
    /// (non-contiguous or mismatched tensors, a tensor carrying a forward-mode tangent, or an update that autograd
    /// would have to record); the caller then runs the unfused ops, which also raise the usual errors.
    /// Internal to the library: the optimizers call it (PyTorch's <c>torch._fused_adam_</c> is private too).
    /// </summary>
    internal static bool TryFusedAdamStep(Tensor p, Tensor g, Tensor m, Tensor v, double beta1, double beta2, double biasCorrection2, double eps, double stepSize)
    {
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
