using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>A slice of an elementwise kernel: processes elements [start, start + length) of its tensors.</summary>
internal interface IChunkBody
{
    void Run(int start, int length);
}

/// <summary>
/// Splits large contiguous elementwise kernels over the cores. Every element is computed by the same code as in a
/// serial call, so results are bit-for-bit identical: chunk boundaries fall on multiples of <see cref="Alignment"/>
/// elements, so each chunk but the last is a whole number of SIMD vectors, and the last ends where the serial call
/// ends (same tail handling for the same elements).
/// </summary>
internal static class ParallelElementwise
{
    /// <summary>
    /// Below this many elements a kernel runs on the calling thread: the fork/join costs several microseconds, about
    /// what 2 cores save on 64K float32 adds (the cheapest op) on the reference machine.
    /// </summary>
    public const int MinElements = 1 << 16;

    /// <summary>The smallest chunk worth handing to another thread.</summary>
    private const int MinChunk = 1 << 14;

    /// <summary>64 elements: a whole number of Vector512 of float64 and of every narrower vector, and of cache lines.</summary>
    private const int Alignment = 64;

    /// <summary>The most threads a kernel is split over: the library-wide <see cref="Parallelism.MaxThreads"/>.</summary>
    public static int MaxThreads => Parallelism.MaxThreads;

    /// <summary>How many chunks <paramref name="n"/> elements are split into; 1 means run serially.</summary>
    public static int ChunkCount(int n) =>
        n < MinElements || MaxThreads < 2 ? 1 : Math.Min(MaxThreads * ParallelRunner.TasksPerThread, n / MinChunk);

    /// <summary>Runs <paramref name="body"/> over [0, n): serially below the threshold, else in aligned chunks across threads.</summary>
    public static void For<TBody>(int n, TBody body) where TBody : struct, IChunkBody
    {
        int chunks = ChunkCount(n);
        Split(body, n, chunks <= 1 ? n : ChunkLength(n, chunks), chunks);
    }

    /// <summary>
    /// Runs <paramref name="body"/> over rows [0, <paramref name="rows"/>) of <paramref name="rowLength"/> elements each,
    /// split into whole rows as <see cref="For"/> splits elements (a body's Run gets a row range).
    /// </summary>
    public static void ForRows<TBody>(int rows, int rowLength, TBody body) where TBody : struct, IChunkBody
    {
        int chunks = Math.Min(ChunkCount(rows * rowLength), rows);
        Split(body, rows, (rows + chunks - 1) / chunks, chunks);
    }

    /// <summary>Runs <paramref name="body"/> over [0, n) in <paramref name="chunks"/> ranges of <paramref name="per"/> (the last shorter), serially when one.</summary>
    private static void Split<TBody>(TBody body, int n, int per, int chunks) where TBody : struct, IChunkBody
    {
        if (chunks <= 1)
        {
            body.Run(0, n);
            return;
        }
        // The GEMM's persistent workers (no delegate, task or closure per call): threads take chunks as they come free
        // and the calling thread takes them too, so on a busy machine the work drifts to whoever runs.
        var job = ChunkJob<TBody>.Rent(body, n, per);
        try
        {
            ParallelRunner.Run(job, chunks, MaxThreads);
        }
        finally
        {
            job.Return();
        }
    }

    /// <summary>One split kernel call as numbered chunks; one cached instance per thread and body type, so a call allocates nothing.</summary>
    private sealed class ChunkJob<TBody> : IParallelWork where TBody : struct, IChunkBody
    {
        [ThreadStatic]
        private static ChunkJob<TBody>? t_cached;

        private TBody _body;
        private int _n;
        private int _per;

        public static ChunkJob<TBody> Rent(TBody body, int n, int per)
        {
            var job = t_cached ?? new ChunkJob<TBody>();
            t_cached = null; // a kernel called from inside a chunk gets its own instance
            job._body = body;
            job._n = n;
            job._per = per;
            return job;
        }

        /// <summary>Drops the body (it holds the tensors' arrays, which must not be kept alive) and caches the job.</summary>
        public void Return()
        {
            _body = default;
            t_cached = this;
        }

        public void Execute(int index)
        {
            int start = index * _per;
            int length = Math.Min(_per, _n - start);
            if (length > 0)
            {
                _body.Run(start, length);
            }
        }
    }

    /// <summary>The length of every chunk but the last: n / chunks rounded up to a multiple of <see cref="Alignment"/>.</summary>
    internal static int ChunkLength(int n, int chunks) => ((n + chunks - 1) / chunks + Alignment - 1) / Alignment * Alignment;
}

/// <summary>y[i] = op(x[i]) on a slice of contiguous arrays.</summary>
internal readonly struct UnaryChunk<T, TOp> : IChunkBody
    where T : unmanaged, IFloatingPointIeee754<T>
    where TOp : struct, IUnaryOp
{
    private readonly T[] _x;
    private readonly int _xOffset;
    private readonly T[] _y;
    private readonly int _yOffset;
    private readonly TOp _op;

    public UnaryChunk(T[] x, int xOffset, T[] y, int yOffset, TOp op)
    {
        _x = x;
        _xOffset = xOffset;
        _y = y;
        _yOffset = yOffset;
        _op = op;
    }

    public void Run(int start, int length) =>
        _op.Apply<T>(_x.AsSpan(_xOffset + start, length), _y.AsSpan(_yOffset + start, length));
}

/// <summary>d[i] = op(a[i], b[i]), with either operand optionally a scalar (length-1 broadcast).</summary>
internal readonly struct BinaryChunk<T, TOp> : IChunkBody
    where T : unmanaged, IFloatingPointIeee754<T>
    where TOp : struct, IBinaryOp
{
    private readonly T[] _a;
    private readonly int _aOffset;
    private readonly bool _aScalar;
    private readonly T[] _b;
    private readonly int _bOffset;
    private readonly bool _bScalar;
    private readonly T[] _d;
    private readonly int _dOffset;
    private readonly TOp _op;

    public BinaryChunk(T[] a, int aOffset, bool aScalar, T[] b, int bOffset, bool bScalar, T[] d, int dOffset, TOp op)
    {
        _a = a;
        _aOffset = aOffset;
        _aScalar = aScalar;
        _b = b;
        _bOffset = bOffset;
        _bScalar = bScalar;
        _d = d;
        _dOffset = dOffset;
        _op = op;
    }

    public void Run(int start, int length)
    {
        var d = _d.AsSpan(_dOffset + start, length);
        if (_bScalar)
        {
            _op.Apply(_a.AsSpan(_aOffset + start, length), _b[_bOffset], d);
        }
        else if (_aScalar)
        {
            _op.Apply(_a[_aOffset], _b.AsSpan(_bOffset + start, length), d);
        }
        else
        {
            _op.Apply<T>(_a.AsSpan(_aOffset + start, length), _b.AsSpan(_bOffset + start, length), d);
        }
    }
}
