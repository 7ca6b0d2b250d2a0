using System.Numerics;

namespace MiniTorch.Kernels;

internal static partial class CascadeSum
{
    /// <summary>Below this many terms a sum runs on the calling thread: about what the fork/join costs on 2 cores.</summary>
    private const int MinParallelTerms = 1 << 18;

    /// <summary>Σ x[offset … offset + n), split over the cores when long; bit for bit the serial result either way.</summary>
    public static T Sum<T>(T[] x, int offset, int n) where T : unmanaged, IFloatingPointIeee754<T> =>
        SumOrDot(x, offset, null, 0, n);

    /// <summary>Σ x[xOffset + i]·y[yOffset + i] for i &lt; n, split over the cores when long; bit for bit the serial result either way.</summary>
    public static T Dot<T>(T[] x, int xOffset, T[] y, int yOffset, int n) where T : unmanaged, IFloatingPointIeee754<T> =>
        SumOrDot(x, xOffset, y, yOffset, n);

    private static T SumOrDot<T>(T[] x, int xOffset, T[]? y, int yOffset, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var counter = new Counter<T>();
        int done = 0;
        if (n >= MinParallelTerms && Parallelism.MaxThreads > 1)
        {
            // Whole aligned subtrees of the serial cascade (2^level blocks each), pushed at their level, then the rest.
            int block = BlockLength<T>();
            int level = 0;
            while (((long)block << (level + 1)) * 4 * Parallelism.MaxThreads <= n)
            {
                level++;
            }
            int chunk = block << level;
            int chunks = n / chunk;
            if (chunks >= 2)
            {
                var job = new CascadeJob<T>(x, xOffset, y, yOffset, chunk, chunks);
                ParallelRunner.Run(job, chunks, Parallelism.MaxThreads);
                for (int c = 0; c < chunks; c++)
                {
                    counter.Push(job.Results[c], level);
                }
                done = chunks * chunk;
            }
        }
        if (y is null)
        {
            AddBlocks(ref counter, new ValueTerm<T>(x.AsSpan(xOffset, n)), done, n);
        }
        else
        {
            AddBlocks(ref counter, new ProductTerm<T>(x.AsSpan(xOffset, n), y.AsSpan(yOffset, n)), done, n);
        }
        return counter.Total();
    }

    /// <summary>One chunk of a split sum per task; each is a whole subtree of the serial cascade.</summary>
    private sealed class CascadeJob<T>(T[] x, int xOffset, T[]? y, int yOffset, int chunk, int chunks) : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T[] Results { get; } = new T[chunks];

        public void Execute(int index)
        {
            int start = index * chunk;
            Results[index] = y is null
                ? Sum<T, ValueTerm<T>>(new ValueTerm<T>(x.AsSpan(xOffset + start, chunk)), chunk)
                : Sum<T, ProductTerm<T>>(new ProductTerm<T>(x.AsSpan(xOffset + start, chunk), y.AsSpan(yOffset + start, chunk)), chunk);
        }
    }
}
