using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>
/// The arguments of one GEMM call and how its C is split into parts, one part per thread. One instance per calling
/// thread is reused, so a call allocates nothing; it is cleared after the call so it holds no tensor's array.
/// </summary>
internal sealed class GemmJob<T> : IParallelWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static GemmJob<T>? t_instance;

    private int _m, _n, _k, _cOffset, _ldc;
    private StridedMatrix<T> _a, _b;
    private T[]? _c;
    private bool _accumulate;
    private bool _byColumns;
    private int _chunk;
    private long _panel;

    // Numbers the one-panel B of a row split (one-block A of a column split), so no thread mistakes its packed copy for another's.
    private static long s_panels;

    /// <summary>The calling thread's job.</summary>
    public static GemmJob<T> ForThisThread => t_instance ??= new GemmJob<T>();

    /// <summary>How many parts the last split made.</summary>
    public int Parts { get; private set; } = 1;

    public void Set(int m, int n, int k, StridedMatrix<T> a, StridedMatrix<T> b, T[] c, int cOffset, int ldc, bool accumulate)
    {
        (_m, _n, _k, _a, _b, _c, _cOffset, _ldc, _accumulate) = (m, n, k, a, b, c, cOffset, ldc, accumulate);
        _byColumns = false;
        _chunk = m;
        _panel = 0;
        Parts = 1;
    }

    /// <summary>Splits the columns into <paramref name="parts"/> nearly equal ranges of whole <paramref name="unit"/>s.</summary>
    /// <remarks>When <paramref name="wholeA"/>, A is packed in one row block, which each thread packs for the first column
    /// range it takes and reuses for the others.</remarks>
    public void SplitColumns(int parts, int unit, bool wholeA = false)
    {
        Split(parts, unit, _n, byColumns: true);
        _panel = wholeA ? Interlocked.Increment(ref s_panels) : 0;
    }

    /// <summary>Splits the rows into <paramref name="parts"/> nearly equal ranges of whole <paramref name="unit"/>s.</summary>
    /// <remarks>When <paramref name="wholeB"/>, B is packed in one panel, which each thread packs for the first row
    /// range it takes and reuses for the others.</remarks>
    public void SplitRows(int parts, int unit, bool wholeB = false)
    {
        Split(parts, unit, _m, byColumns: false);
        _panel = wholeB ? Interlocked.Increment(ref s_panels) : 0;
    }

    private void Split(int parts, int unit, int length, bool byColumns)
    {
        int units = (length + unit - 1) / unit;
        _chunk = (units + parts - 1) / parts * unit;
        _byColumns = byColumns;
        Parts = (length + _chunk - 1) / _chunk;
    }

    public void Execute(int index)
    {
        int start = index * _chunk;
        if (_byColumns)
        {
            Gemm.MultiplyBlock(0, _m, start, Math.Min(_n, start + _chunk), _k, _a, _b, _c!, _cOffset, _ldc, _accumulate, panelA: _panel);
        }
        else
        {
            Gemm.MultiplyBlock(start, Math.Min(_m, start + _chunk), 0, _n, _k, _a, _b, _c!, _cOffset, _ldc, _accumulate, panelB: _panel);
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
