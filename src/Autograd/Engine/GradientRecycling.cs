namespace MiniTorch;

/// <summary>
/// Gives a leaf's dropped gradient back to <see cref="BufferPool"/> at once when nothing outside MiniTorch can hold
/// it, as PyTorch frees <c>p.grad</c> when <c>zero_grad()</c> drops its last reference: the next backward then writes
/// the new gradient into a cache-warm array instead of one the GC recycles steps later.
/// </summary>
/// <remarks>
/// A leaf's gradient is private while it is the tensor backward made for it (<see cref="AccumulateGrad"/> took a fresh
/// gradient of the pass or copied one; <see cref="GradientHandoff"/>) and no one has read it through the public
/// <see cref="Tensor.Grad"/> getter outside an <see cref="Autograd.BorrowGradients"/> region: any such read, and any
/// assignment to <see cref="Tensor.Grad"/>, ends privacy for good. A private gradient is reachable only from its leaf
/// (and the pass's own formula intermediates over the same storage, unreachable once the pass ended), so when the
/// leaf's gradient is set to null it is disposed (a stray read fails clearly) and its array goes back to the pool.
/// Nothing is released inside a <see cref="TensorScope"/> (the scope returns the dropped gradient itself), under
/// forward AD or a trace, or when <see cref="MemoryReuse.Enabled"/> is off.
/// </remarks>
internal static class GradientRecycling
{
    /// <summary>Off only for in-process A/B measurements (tools/reuse-ab); results are the same either way.</summary>
    internal static bool Enabled = true;

    [ThreadStatic]
    internal static long t_recycledBytes;

    /// <summary>The bytes of dropped gradients this thread gave back to the pool at once.</summary>
    internal static long RecycledBytes => t_recycledBytes;

    /// <summary>Gives <paramref name="grad"/>'s array back; the caller has just dropped it as a private gradient.</summary>
    public static void ReleaseDropped(Tensor grad)
    {
        if (!Enabled || !MemoryReuse.Enabled || TensorScope.Current is not null || ForwardAD.IsActive || Tracing.IsActive)
        {
            return;
        }
        var storage = grad.Storage;
        long bytes = storage.ByteLength;
        // Only a whole pooled storage that only this tensor views (as AccumulateGrad made or took it) is given back.
        if (grad.IsDisposed || grad.RequiresGrad || !storage.IsPooled || storage.Released
            || grad.Offset != 0 || grad.Numel != storage.Length || !grad.IsContiguous || bytes < MemoryReuse.MinTrackedBytes)
        {
            return;
        }
        grad.Dispose();
        storage.ReleaseUnreachable();
        t_recycledBytes += bytes;
    }
}
