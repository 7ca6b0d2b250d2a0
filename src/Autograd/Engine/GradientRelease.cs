namespace MiniTorch;

/// <summary>
/// Gives the arrays of a backward pass's intermediate gradients back to <see cref="BufferPool"/> as soon as the nodes
/// that consume them have run, as PyTorch frees a gradient when its last reference goes: the next node's gradient
/// then reuses a cache-warm array within the same pass, in a loop with or without <see cref="TensorScope"/>.
/// </summary>
/// <remarks>
/// <para>The pass counts, per storage, how many of its gradient buffers hold a tensor over it
/// (<see cref="Storage.EngineHolds"/>): one more when a gradient is stored in a node's buffer, one fewer when the
/// buffer is consumed (its node has run) or replaced by a sum. A storage whose count is back at zero is given back
/// only when it provably has no other holder (<see cref="GradientHandoff.IsPassOwned"/>): it was made during this
/// pass, and no tensor over it was handed to user code (a tensor hook, a custom <see cref="Function"/>'s backward, a
/// result of <see cref="Autograd.Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}?, bool?, bool, bool)"/>)
/// or taken by a leaf as its <see cref="Tensor.Grad"/>. Other tensors over such a storage can only be the built-in
/// formulas' intermediates (the product behind a transposed gradient), unreachable once the formula returned, and
/// views of it that the pass holds (Reshape's gradient), which the count includes. The release is decided once every
/// child has received the node's gradients, so a gradient passed on unchanged (Add) or as a view is still counted.</para>
/// <para>The pass releases nothing when it records a graph of the derivative (<c>createGraph</c>: the new graph saves
/// the gradients), is nested in another pass, runs under forward AD or a trace (both may keep tensors), or when
/// <see cref="MemoryReuse.Enabled"/> is off; a gradient it does not release is left to the GC as before.</para>
/// </remarks>
internal static class GradientRelease
{
    /// <summary>Whether a pass with these settings releases its intermediate gradients.</summary>
    public static bool AppliesTo(bool outermost, bool createGraph)
        => outermost && !createGraph && MemoryReuse.Enabled && !ForwardAD.IsActive && !Tracing.IsActive;

    /// <summary>A gradient buffer now holds <paramref name="grad"/>.</summary>
    public static void Hold(Tensor grad) => grad.Storage.EngineHolds++;

    /// <summary>A gradient buffer no longer holds <paramref name="grad"/>; the caller settles it (<see cref="ReleaseIfUnheld"/>) once the node's gradients are all passed on.</summary>
    public static void Unhold(Tensor grad) => grad.Storage.EngineHolds--;

    /// <summary>Gives <paramref name="grad"/>'s array back if no buffer holds its storage and nothing outside the pass can reach it.</summary>
    public static void ReleaseIfUnheld(Tensor grad)
    {
        var storage = grad.Storage;
        if (storage.EngineHolds != 0 || !storage.IsPooled || storage.Released || !GradientHandoff.IsPassOwned(storage))
        {
            return;
        }
        long bytes = storage.ByteLength;
        if (bytes < MemoryReuse.MinTrackedBytes)
        {
            return; // small arrays cost the GC less than the pool's lock
        }
        grad.Dispose(); // a stray read of this tensor then fails clearly
        storage.ReleaseUnreachable();
        MemoryReuse.t_releasedDuringBackwardBytes += bytes;
    }
}
