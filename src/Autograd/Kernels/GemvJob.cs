using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>The arguments of one <see cref="Gemv"/> call, split into equal row ranges; one reused instance per calling thread.</summary>
internal sealed class GemvJob<T> : IParallelWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static GemvJob<T>? t_instance;

    private int _m, _k, _xOffset, _incx, _yOffset, _incy, _chunk;
    private StridedMatrix<T> _a;
    private T[]? _x, _y;
    private bool _accumulate;

    /// <summary>The calling thread's job.</summary>
    public static GemvJob<T> ForThisThread => t_instance ??= new GemvJob<T>();

    public void Set(int m, int k, StridedMatrix<T> a, T[] x, int xOffset, int incx, T[] y, int yOffset, int incy, bool accumulate, int parts)
    {
        (_m, _k, _a, _x, _xOffset, _incx, _y, _yOffset, _incy, _accumulate) = (m, k, a, x, xOffset, incx, y, yOffset, incy, accumulate);
        // Whole groups of 8 rows per part, so the four-row kernels see few leftovers.
        _chunk = ((m + parts - 1) / parts + 7) / 8 * 8;
    }

    public void Execute(int index)
    {
        int start = index * _chunk;
        int end = Math.Min(_m, start + _chunk);
        if (start < end)
        {
            Gemv.MultiplyRows(start, end, _k, _a, _x!, _xOffset, _incx, _y!, _yOffset, _incy, _accumulate);
        }
    }

    /// <summary>Drops the references to the operands' arrays.</summary>
    public void Clear()
    {
        _a = default;
        _x = null;
        _y = null;
    }
}
