using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// Softmax over the last dim of contiguous rows, each row in three passes (max, exp and its sum, then the divide; in
/// float32 the subtract, exp and sum are one call, <see cref="ExpShiftedSum"/>),
/// instead of the composite's max reduction, broadcast subtract, exp, sum reduction and broadcast divide (five passes
/// over the whole tensor and four temporaries). Each pass is the kernel the composite's step calls (the float32 exp
/// kernel, the cascade sum), so the results are the composite's bits: float64's <c>TensorPrimitives.Exp</c> is
/// position-independent on spans of at least one
/// Vector128 (its vector code), and a row shorter than that is evaluated inside a padded buffer so that it takes the
/// vector code too, as it did inside the composite's whole-tensor call (unless the whole tensor is that short, when
/// both take the scalar code). Rows are split over threads for large inputs.
/// </summary>
internal sealed class SoftmaxKernel<T> : IParallelWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // Elements below which the rows run on the calling thread (as the elementwise kernels' threshold).
    private const int ParallelThreshold = 1 << 16;

    [ThreadStatic]
    private static SoftmaxKernel<T>? t_instance;

    private T[]? _x, _y;
    private int _xOffset, _rows, _length, _chunk;
    private bool _padShortRows;

    /// <summary>y (rows × length, contiguous from 0) = the softmax of each row of x.</summary>
    public static void Run(T[] x, int xOffset, T[] y, int rows, int length)
    {
        var job = t_instance ??= new SoftmaxKernel<T>();
        (job._x, job._xOffset, job._y, job._rows, job._length) = (x, xOffset, y, rows, length);
        job._padShortRows = Vector128.IsHardwareAccelerated && length < Vector128<T>.Count && (long)rows * length >= Vector128<T>.Count;
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
            job._x = job._y = null;
        }
    }

    public void Execute(int index) => RunRows(index * _chunk, Math.Min(_rows, (index + 1) * _chunk));

    private void RunRows(int first, int end)
    {
        Span<T> padded = stackalloc T[Vector128<T>.Count];
        for (int r = first; r < end; r++)
        {
            ReadOnlySpan<T> x = _x.AsSpan(_xOffset + r * _length, _length);
            Span<T> y = _y.AsSpan(r * _length, _length);
            T max = TensorPrimitives.Max(x);
            if (typeof(T) == typeof(float))
            {
                // Subtract, exp and sum in one call (the float32 exp gives every element the same arithmetic wherever
                // it sits, so no padding is needed); the bits of the three separate passes.
                var yf = MemoryMarshal.Cast<T, float>(y);
                float sumF = ExpShiftedSum.Run(MemoryMarshal.Cast<T, float>(x), float.CreateTruncating(max), yf);
                TensorPrimitives.Divide(y, T.CreateTruncating(sumF), y);
                continue;
            }
            TensorPrimitives.Subtract(x, max, y);
            if (_padShortRows)
            {
                padded.Clear();
                y.CopyTo(padded);
                TensorPrimitives.Exp<T>(padded, padded);
                padded[..y.Length].CopyTo(y);
            }
            else
            {
                TensorPrimitives.Exp<T>(y, y);
            }
            T sum = CascadeSum.Sum<T, ValueTerm<T>>(new ValueTerm<T>(y), y.Length); // the composite's Sum(dim) of a contiguous run
            TensorPrimitives.Divide(y, sum, y);
        }
    }
}
