using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace MiniTorch.Kernels;

/// <summary>
/// LayerNorm over rows of length n, one row at a time while it is in L1, instead of the composite's eight tensor
/// ops (each a pass over the whole tensor and a temporary). The forward is the composite's arithmetic in the
/// composite's order (cascade sums of the row and of the squared deviations, the same span primitives), so its
/// output is bit-identical to the composite's; it also keeps each row's mean and σ = √(var + ε) for the backward.
/// The backward is the closed form dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / σ with ĝ = g·w, its two row sums by the
/// cascade sum; it writes g·x̂, whose column sums are the weight's gradient.
/// </summary>
internal static class LayerNormKernel
{
    /// <summary>Rows per parallel task at least, so a task is worth a thread's wake-up.</summary>
    private const int MinElementsPerTask = 1 << 14;

    /// <summary>y = LayerNorm(x) by rows; stats[statsOffset + r] = the row's mean, stats[statsOffset + rows + r] = its σ.</summary>
    public static void Forward<T>(T[] x, int xOffset, T[]? w, int wOffset, T[]? b, int bOffset, T[] y, T[] stats, int statsOffset,
        int rows, int n, double eps)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        RunRows(rows, n, new ForwardJob<T>(x, xOffset, w, wOffset, b, bOffset, y, stats, statsOffset, statsOffset + rows, n, eps));

    /// <summary>dx (and g·x̂ into <paramref name="gxhat"/> if given) from the forward's row statistics.</summary>
    public static void Backward<T>(T[] g, int gOffset, T[] x, int xOffset, T[]? w, int wOffset, T[] stats, int statsOffset,
        T[] dx, T[]? gxhat, int rows, int n)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        RunRows(rows, n, new BackwardJob<T>(g, gOffset, x, xOffset, w, wOffset, stats, statsOffset, statsOffset + rows, dx, gxhat, n));

    private static void RunRows(int rows, int n, RowJob job)
    {
        int tasks = Parallelism.MaxThreads > 1 ? (int)Math.Clamp((long)rows * n / MinElementsPerTask, 1, Math.Min(rows, 4 * Parallelism.MaxThreads)) : 1;
        job.Tasks = tasks;
        job.Rows = rows;
        // One task runs inline on this thread (ParallelRunner.Run does that itself).
        ParallelRunner.Run(job, tasks, Parallelism.MaxThreads);
    }

    private abstract class RowJob : IParallelWork
    {
        public int Tasks;
        public int Rows;

        public void Execute(int index) => RunRange((int)((long)Rows * index / Tasks), (int)((long)Rows * (index + 1) / Tasks));

        protected abstract void RunRange(int from, int to);
    }

    private sealed class ForwardJob<T>(T[] x, int xOffset, T[]? w, int wOffset, T[]? b, int bOffset, T[] y, T[] stats, int meanAt, int sigmaAt, int n, double eps)
        : RowJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        protected override void RunRange(int from, int to)
        {
            T scale = T.CreateTruncating(1.0 / n); // Mean multiplies the sum by 1/n
            T epsT = T.CreateTruncating(eps);
            T[] rented = ArrayPool<T>.Shared.Rent(n);
            try
            {
                var centered = rented.AsSpan(0, n);
                for (int r = from; r < to; r++)
                {
                    var row = x.AsSpan(xOffset + r * n, n);
                    var dst = y.AsSpan(r * n, n);
                    T mu = CascadeSum.Sum<T, ValueTerm<T>>(new ValueTerm<T>(row), n) * scale;
                    TensorPrimitives.Subtract(row, mu, centered);
                    T variance = CascadeSum.Sum<T, ProductTerm<T>>(new ProductTerm<T>(centered, centered), n) * scale;
                    T s = T.Sqrt(variance + epsT);
                    LayerNormRows.Normalise<T>(centered, s, w is null ? default : w.AsSpan(wOffset, n), b is null ? default : b.AsSpan(bOffset, n), dst);
                    stats[meanAt + r] = mu;
                    stats[sigmaAt + r] = s;
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(rented);
            }
        }
    }

    private sealed class BackwardJob<T>(T[] g, int gOffset, T[] x, int xOffset, T[]? w, int wOffset, T[] stats, int meanAt, int sigmaAt, T[] dx, T[]? gxhat, int n)
        : RowJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        protected override void RunRange(int from, int to)
        {
            T invN = T.One / T.CreateTruncating(n);
            T[] rented = ArrayPool<T>.Shared.Rent(2 * n);
            try
            {
                var xhat = rented.AsSpan(0, n);
                var gh = rented.AsSpan(n, n);
                for (int r = from; r < to; r++)
                {
                    var gr = g.AsSpan(gOffset + r * n, n);
                    T s = stats[sigmaAt + r];
                    LayerNormRows.Prepare<T>(gr, x.AsSpan(xOffset + r * n, n), stats[meanAt + r], s, w is null ? default : w.AsSpan(wOffset, n),
                        xhat, gxhat is null ? default : gxhat.AsSpan(r * n, n), gh);
                    T meanG = CascadeSum.Sum<T, ValueTerm<T>>(new ValueTerm<T>(gh), n) * invN;
                    T meanGx = CascadeSum.Sum<T, ProductTerm<T>>(new ProductTerm<T>(gh, xhat), n) * invN;
                    // dx = (ĝ − mean(ĝ) − x̂·mean(ĝx̂)) / σ
                    LayerNormRows.Finish<T>(gh, xhat, meanG, meanGx, s, dx.AsSpan(r * n, n));
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(rented);
            }
        }
    }
}
