using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>
/// The arguments of one <see cref="Gemv"/> call, split into equal ranges of rows of y or, for a short y read down
/// contiguous columns (Xᵀ·g with few features), into ranges of k whose partial sums are added at the end: rows split
/// there would have both threads reading every cache line of A. One reused instance per calling thread.
/// </summary>
internal sealed class GemvJob<T> : IParallelWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static GemvJob<T>? t_instance;

    private int _m, _k, _xOffset, _incx, _yOffset, _incy, _chunk;
    private StridedMatrix<T> _a;
    private T[]? _x, _y;
    private bool _accumulate;
    private bool _splitK;
    private T[] _partials = [];

    /// <summary>The calling thread's job.</summary>
    public static GemvJob<T> ForThisThread => t_instance ??= new GemvJob<T>();

    public void Set(int m, int k, StridedMatrix<T> a, T[] x, int xOffset, int incx, T[] y, int yOffset, int incy, bool accumulate, int parts)
    {
        (_m, _k, _a, _x, _xOffset, _incx, _y, _yOffset, _incy, _accumulate) = (m, k, a, x, xOffset, incx, y, yOffset, incy, accumulate);
        _splitK = parts > 1 && a.RowStride == 1 && a.ColStride != 1 && m < SplitKMaxRows;
        if (_splitK)
        {
            // Whole groups of 4 columns per part, as the kernel takes them four at a time.
            _chunk = ((k + parts - 1) / parts + 3) / 4 * 4;
            if (_partials.Length < parts * m)
            {
                _partials = new T[parts * m];
            }
        }
        else
        {
            // Whole groups of 8 rows per part, so the four-row kernels see few leftovers.
            _chunk = ((m + parts - 1) / parts + 7) / 8 * 8;
        }
    }

    /// <summary>Rows of y below which a split over k is used for column-contiguous A (the partial sums cost parts × m).</summary>
    public const int SplitKMaxRows = 2048;

    /// <summary>After a split over k: y = (y +) the sum of the parts' partial results.</summary>
    public void Finish(int parts)
    {
        if (!_splitK)
        {
            return;
        }
        var y = _y!;
        for (int i = 0; i < _m; i++)
        {
            T sum = _accumulate ? y[_yOffset + i * _incy] : T.Zero;
            for (int t = 0; t < parts; t++)
            {
                sum += _partials[t * _m + i];
            }
            y[_yOffset + i * _incy] = sum;
        }
    }

    public void Execute(int index)
    {
        int start = index * _chunk;
        if (_splitK)
        {
            int kEnd = Math.Min(_k, start + _chunk);
            var part = _a with { Offset = _a.Offset + start * _a.ColStride };
            if (start < kEnd)
            {
                Gemv.MultiplyRows(0, _m, kEnd - start, part, _x!, _xOffset + start * _incx, _incx, _partials, index * _m, 1, accumulate: false);
            }
            else
            {
                _partials.AsSpan(index * _m, _m).Clear();
            }
            return;
        }
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
