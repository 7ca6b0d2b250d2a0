using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>A batch of small GEMMs split into ranges of batch indices, each range on one thread; one reused instance per calling thread.</summary>
internal sealed class GemmBatchJob<T> : IParallelWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static GemmBatchJob<T>? t_instance;

    private int _batch, _m, _n, _k, _aBatchStride, _bBatchStride, _cOffset, _cBatchStride, _ldc, _chunk;
    private StridedMatrix<T> _a, _b;
    private T[]? _c;

    /// <summary>The calling thread's job.</summary>
    public static GemmBatchJob<T> ForThisThread => t_instance ??= new GemmBatchJob<T>();

    public void Set(int batch, int m, int n, int k, StridedMatrix<T> a, int aBatchStride, StridedMatrix<T> b, int bBatchStride,
        T[] c, int cOffset, int cBatchStride, int ldc, int parts)
    {
        (_batch, _m, _n, _k, _a, _aBatchStride, _b, _bBatchStride) = (batch, m, n, k, a, aBatchStride, b, bBatchStride);
        (_c, _cOffset, _cBatchStride, _ldc) = (c, cOffset, cBatchStride, ldc);
        _chunk = (batch + parts - 1) / parts;
        Parts = (batch + _chunk - 1) / _chunk;
    }

    /// <summary>How many ranges the last <see cref="Set"/> made (at most the parts asked for).</summary>
    public int Parts { get; private set; }

    public void Execute(int index)
    {
        int end = Math.Min(_batch, (index + 1) * _chunk);
        for (int i = index * _chunk; i < end; i++)
        {
            Gemm.Multiply(_m, _n, _k, _a with { Offset = _a.Offset + i * _aBatchStride }, _b with { Offset = _b.Offset + i * _bBatchStride },
                _c!, _cOffset + i * _cBatchStride, _ldc, maxThreads: 1);
        }
    }

    /// <summary>Drops the references to the operands' arrays.</summary>
    public void Clear()
    {
        _a = default;
        _b = default;
        _c = null;
    }
}
