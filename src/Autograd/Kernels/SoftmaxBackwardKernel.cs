using System.Numerics;
using System.Numerics.Tensors;

namespace MiniTorch.Kernels;

/// <summary>
/// The gradient of a last-dim softmax over contiguous rows, dx = y·(g − Σ g·y), one pass per row instead of the
/// composite's four whole-tensor ops (product, sum reduction, broadcast subtract, product) and their three
/// temporaries. Each step is the composite's own arithmetic: the row's Σ g·y is the cascade sum of the separately
/// rounded products (<see cref="ProductTerm{T}"/>, the terms <c>(g * y).Sum(-1)</c> sums, in its order), then one
/// IEEE subtract and one multiply per element, so the result is the composite's bits. Rows are split over threads for
/// large inputs; each row's arithmetic does not depend on the split.
/// </summary>
internal sealed class SoftmaxBackwardKernel<T> : IParallelWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // Elements below which the rows run on the calling thread (as the forward kernel's threshold).
    private const int ParallelThreshold = 1 << 16;

    [ThreadStatic]
    private static SoftmaxBackwardKernel<T>? t_instance;

    private T[]? _g, _y, _dx;
    private int _gOffset, _yOffset, _rows, _length, _chunk;

    /// <summary>dx (rows × length, contiguous from 0) = y·(g − Σ g·y) for each row of g and the softmax output y.</summary>
    public static void Run(T[] g, int gOffset, T[] y, int yOffset, T[] dx, int rows, int length)
    {
        var job = t_instance ??= new SoftmaxBackwardKernel<T>();
        (job._g, job._gOffset, job._y, job._yOffset, job._dx, job._rows, job._length) = (g, gOffset, y, yOffset, dx, rows, length);
        try
        {
            int threads = (long)rows * length >= ParallelThreshold ? Math.Min(Parallelism.MaxThreads, rows) : 1;
            if (threads <= 1)
            {
                job.RunRows(0, rows);
                return;
            }
            job._chunk = (rows + threads - 1) / threads;
            ParallelRunner.Run(job, (rows + job._chunk - 1) / job._chunk, threads);
        }
        finally
        {
            job._g = job._y = job._dx = null;
        }
    }

    public void Execute(int index) => RunRows(index * _chunk, Math.Min(_rows, (index + 1) * _chunk));

    private void RunRows(int first, int end)
    {
        for (int r = first; r < end; r++)
        {
            ReadOnlySpan<T> g = _g.AsSpan(_gOffset + r * _length, _length);
            ReadOnlySpan<T> y = _y.AsSpan(_yOffset + r * _length, _length);
            Span<T> dx = _dx.AsSpan(r * _length, _length);
            T dot = CascadeSum.Sum<T, ProductTerm<T>>(new ProductTerm<T>(g, y), _length);
            TensorPrimitives.Subtract(g, dot, dx);
            TensorPrimitives.Multiply(y, dx, dx);
        }
    }
}
