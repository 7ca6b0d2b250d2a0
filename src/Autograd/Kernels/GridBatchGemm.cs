using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>
/// A batch of GEMMs whose operands sit on a grid of batch dims, each dim with its own stride: a permuted view such as
/// the attention's q, k and v of [b, h, t, d/h] taken from one [b, t, 3, h, d/h] projection, which no single batch
/// stride describes. Each item's offsets come from its batch index, so the operands are read in place instead of
/// being copied contiguous first; the result is contiguous. Every item is one <see cref="Gemm.Multiply{T}"/> call
/// with the same sizes, so the values are those of the products of contiguous copies. Threading follows
/// <see cref="Gemm.MultiplyBatched{T}"/>: small products are spread over the cores by items, larger ones run one
/// after another, each split by the GEMM itself.
/// </summary>
internal sealed class GridBatchGemm<T> : IParallelWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // As Gemm.MultiplyBatched: the multiply-adds below which one more thread does not pay for itself.
    private const long ParallelWorkPerThread = 1L << 18;

    [ThreadStatic]
    private static GridBatchGemm<T>? t_instance;

    private int[] _batchShape = [], _aStrides = [], _bStrides = [];
    private T[]? _a, _b, _c;
    private int _aOffset, _bOffset, _m, _n, _k, _aRow, _aCol, _bRow, _bCol, _count, _chunk;

    /// <summary>
    /// c[i] (contiguous, m × n each) = a[i]·b[i] for every index i of <paramref name="batchShape"/>; a and b are
    /// read through their strides (batch strides first, then row and column).
    /// </summary>
    public static void Run(int[] batchShape, int m, int n, int k, T[] a, int aOffset, int[] aStrides, T[] b, int bOffset, int[] bStrides, T[] c)
    {
        var job = t_instance ??= new GridBatchGemm<T>();
        int rank = batchShape.Length;
        (job._batchShape, job._aStrides, job._bStrides) = (batchShape, aStrides, bStrides);
        (job._a, job._aOffset, job._b, job._bOffset, job._c) = (a, aOffset, b, bOffset, c);
        (job._m, job._n, job._k) = (m, n, k);
        (job._aRow, job._aCol, job._bRow, job._bCol) = (aStrides[rank], aStrides[rank + 1], bStrides[rank], bStrides[rank + 1]);
        job._count = Shapes.Numel(batchShape);
        try
        {
            long work = (long)m * n * k;
            int threads = (int)Math.Clamp(work * job._count / ParallelWorkPerThread, 1, Math.Min(job._count, Parallelism.MaxThreads));
            if (threads > 1 && work < 2 * ParallelWorkPerThread)
            {
                // Groups of items claimed as threads come free, a few per thread (with one half each, the caller waited
                // through 29% of the attention's batched products).
                int tasks = Math.Min(job._count, threads * ParallelRunner.TasksPerThread);
                job._chunk = (job._count + tasks - 1) / tasks;
                ParallelRunner.Run(job, (job._count + job._chunk - 1) / job._chunk, threads);
                return;
            }
            job.RunItems(0, job._count, maxThreads: 0);
        }
        finally
        {
            job._a = job._b = job._c = null;
        }
    }

    public void Execute(int index) => RunItems(index * _chunk, Math.Min(_count, (index + 1) * _chunk), maxThreads: 1);

    private void RunItems(int first, int end, int maxThreads)
    {
        for (int i = first; i < end; i++)
        {
            // The item's offsets from its batch index, last batch dim fastest (the result's order).
            int aOffset = _aOffset, bOffset = _bOffset, rest = i;
            for (int d = _batchShape.Length - 1; d >= 0; d--)
            {
                int size = _batchShape[d];
                int at = rest % size;
                rest /= size;
                aOffset += at * _aStrides[d];
                bOffset += at * _bStrides[d];
            }
            Gemm.Multiply(_m, _n, _k, new StridedMatrix<T>(_a!, aOffset, _aRow, _aCol), new StridedMatrix<T>(_b!, bOffset, _bRow, _bCol),
                _c!, i * _m * _n, _n, maxThreads: maxThreads);
        }
    }
}
