namespace MiniTorch;

/// <summary>
/// Automatic reuse of tensor memory without <see cref="TensorScope"/>: PyTorch frees an activation as soon as its
/// reference count drops; .NET has no reference counts, so MiniTorch recycles the arrays of tensors that the GC
/// found unreachable, at the end of each backward pass of a training thread and at the end of each outermost
/// <see cref="Autograd.NoGrad"/> region (an inference call). A training or inference loop written as in PyTorch then
/// reuses the same arrays step after step instead of feeding the large-object heap (and a gen-2 collection about
/// every step). <see cref="TensorScope"/> remains the zero-overhead path; the two compose.
/// </summary>
/// <remarks>
/// How it works: a thread that has reached a safe point (the end of an outermost backward pass, or of an outermost
/// no-grad region opened by user code) tracks the storage it allocates outside any
/// <see cref="TensorScope"/> (arrays of at least <see cref="MinTrackedBytes"/>) through weak handles; a scope gives
/// its tensors' arrays back itself, so the scoped path pays for no handle and no collection. At the next safe point, after a
/// young-generation collection (forced once <see cref="CollectThresholdBytes"/> were tracked since the last one),
/// every array whose storage is unreachable goes back to the buffer pool. An array is never reused while any tensor
/// (view, saved tensor, gradient, optimizer state, tensor in a closure or a collection) can reach its storage: a
/// reachable storage keeps its weak handle alive. A safe point is a boundary of user code where the thread runs no
/// kernel, so no span over a recycled array is in use; the no-grad regions MiniTorch opens inside its own kernels
/// and the ones a backward hook opens are not safe points.
/// Within a backward pass, intermediate gradients (those flowing between nodes, which no user code can hold) go back
/// to the pool as soon as the nodes consuming them have run, without waiting for a collection (see
/// the engine's GradientRelease); this also holds inside a <see cref="TensorScope"/>.
/// A leaf's gradient that backward made and that no user code read (only the built-in optimizers and ZeroGrad read it,
/// inside <see cref="Autograd.BorrowGradients"/>) goes back to the pool as soon as it is set to null, so the next
/// backward writes the new gradient into a warm array (the engine's GradientRecycling).
/// </remarks>
public static class MemoryReuse
{
    private static volatile bool s_enabled = true;
    private static long s_collectThresholdBytes = 32L << 20;
    internal static long s_reclaimedBytes;

    [ThreadStatic]
    internal static long t_releasedDuringBackwardBytes;

    /// <summary>The smallest array that is tracked: smaller ones cost the GC little and are left to it.</summary>
    public const int MinTrackedBytes = 4096;

    /// <summary>Whether unreachable tensors' arrays are recycled (true by default). Turning it off stops tracking new arrays.</summary>
    public static bool Enabled
    {
        get => s_enabled;
        set => s_enabled = value;
    }

    /// <summary>
    /// How many bytes of tracked arrays a thread allocates before the end of a backward pass forces a young-generation
    /// collection (gen 0 and 1, never gen 2) to find the unreachable ones: 32 MiB by default. Larger values collect
    /// less often and keep more arrays in flight.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public static long CollectThresholdBytes
    {
        get => Interlocked.Read(ref s_collectThresholdBytes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Interlocked.Exchange(ref s_collectThresholdBytes, value);
        }
    }

    /// <summary>The bytes of arrays recycled so far because their tensors became unreachable (all threads).</summary>
    public static long ReclaimedBytes => Interlocked.Read(ref s_reclaimedBytes);

    /// <summary>The bytes of intermediate gradients this thread's backward passes gave back to the pool as soon as they were consumed (<see cref="GradientRelease"/>).</summary>
    internal static long ReleasedDuringBackwardBytes => t_releasedDuringBackwardBytes;
}
