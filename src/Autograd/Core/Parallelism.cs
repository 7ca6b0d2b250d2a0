namespace MiniTorch;

/// <summary>
/// How many threads MiniTorch's CPU kernels may use for one operation (PyTorch's <c>torch.set_num_threads</c> and
/// <c>torch.get_num_threads</c>). Kernels only split work that is large enough to gain from it, so this is an upper
/// bound, not a promise.
/// </summary>
public static class Parallelism
{
    private static int s_maxThreads = Environment.ProcessorCount;

    /// <summary>
    /// The most threads one kernel call may use, the calling thread included; the number of processors by default.
    /// Set it to 1 to run every kernel on the calling thread (for benchmarking, or when the caller already runs
    /// one operation per core). Takes effect for kernel calls that start after it is set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => Volatile.Read(ref s_maxThreads);
        set
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Parallelism.MaxThreads: expected at least 1 thread, got {value}.");
            }
            Volatile.Write(ref s_maxThreads, value);
        }
    }
}
