using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>dst[o] = Σ src[o·n … o·n + n) for many contiguous runs, each with the cascade sum, split over the cores by runs.</summary>
internal static class RunSums
{
    /// <summary>Below this many elements the sums run on the calling thread.</summary>
    private const int MinParallelElements = 1 << 16;

    public static void Sum<T>(T[] src, int srcOffset, T[] dst, int dstOffset, int runs, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int tasks = (long)runs * n >= MinParallelElements && Parallelism.MaxThreads > 1 ? Math.Min(runs, 4 * Parallelism.MaxThreads) : 1;
        var job = new Job<T>(src, srcOffset, dst, dstOffset, runs, n, tasks);
        // One task runs inline on this thread (ParallelRunner.Run does that itself).
        ParallelRunner.Run(job, tasks, Parallelism.MaxThreads);
    }

    private sealed class Job<T>(T[] src, int srcOffset, T[] dst, int dstOffset, int runs, int n, int tasks) : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Execute(int index)
        {
            int from = (int)((long)runs * index / tasks);
            int to = (int)((long)runs * (index + 1) / tasks);
            for (int o = from; o < to; o++)
            {
                dst[dstOffset + o] = CascadeSum.Sum<T, ValueTerm<T>>(new ValueTerm<T>(src.AsSpan(srcOffset + o * n, n)), n);
            }
        }
    }
}
