using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// C = A·B for many B with one A (a convolution's weight against each sample's columns): A is packed once into the
/// micro-kernel's strips, by the calling thread, and then read by every thread that multiplies with it, where
/// <see cref="Gemm.Multiply{T}"/> would pack it again for every sample. The blocks are <see cref="Gemm.BlockSizes{T}"/>
/// and the block product is <see cref="Gemm.MacroKernel{T, TVec, TSimd}"/>, in the same loop order, so each C element
/// is summed in the same order and results are bit-identical to <see cref="Gemm.Multiply{T}"/>.
/// </summary>
internal sealed unsafe class PrepackedGemm<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static PrepackedGemm<T>? t_instance;

    [ThreadStatic]
    private static T[]? t_packB;

    private T[] _packA = [];
    private int _m, _k, _kcMax, _mcMax, _ncMax, _mRounded, _width;

    /// <summary>The calling thread's instance (its packed A may be read by other threads during one call).</summary>
    public static PrepackedGemm<T> ForThisThread => t_instance ??= new PrepackedGemm<T>();

    /// <summary>Packs A (m × k, read through its strides) for the following <see cref="Multiply"/> calls.</summary>
    public void Pack(int m, int k, StridedMatrix<T> a)
    {
        _width = Width;
        switch (_width)
        {
            case 512:
                PackAll<Vector512<T>, GemmSimd512<T>>(m, k, a);
                break;
            case 256:
                PackAll<Vector256<T>, GemmSimd256<T>>(m, k, a);
                break;
            default:
                PackAll<Vector128<T>, GemmSimd128<T>>(m, k, a);
                break;
        }
    }

    /// <summary>
    /// C[m × n] (row stride <paramref name="ldc"/>, column stride 1, from <paramref name="cOffset"/>) = (or += when
    /// <paramref name="accumulate"/>) the packed A times B[k × n], on the calling thread. Any thread may call it.
    /// </summary>
    public void Multiply(int n, StridedMatrix<T> b, T[] c, int cOffset, int ldc, bool accumulate)
    {
        fixed (T* bp = b.Data)
        {
            Multiply(n, new StridedPanels(bp + b.Offset, b.RowStride, b.ColStride), c, cOffset, ldc, accumulate);
        }
    }

    /// <summary>
    /// C = (or +=) the packed A times a B that <paramref name="b"/> packs itself, block by block, straight into the
    /// micro-kernel's strips (a convolution's columns, made from the image with no column matrix in between).
    /// </summary>
    public void Multiply<TPanels>(int n, TPanels b, T[] c, int cOffset, int ldc, bool accumulate)
        where TPanels : struct, IPanelSource<T>
    {
        if (_m == 0 || n == 0)
        {
            return;
        }
        fixed (T* cp = c)
        {
            T* cOrigin = cp + cOffset;
            switch (_width)
            {
                case 512:
                    Blocked<Vector512<T>, GemmSimd512<T>, TPanels>(n, b, cOrigin, ldc, accumulate);
                    break;
                case 256:
                    Blocked<Vector256<T>, GemmSimd256<T>, TPanels>(n, b, cOrigin, ldc, accumulate);
                    break;
                default:
                    Blocked<Vector128<T>, GemmSimd128<T>, TPanels>(n, b, cOrigin, ldc, accumulate);
                    break;
            }
        }
    }

    /// <summary>Lets go of nothing but the sizes: the packed buffer is kept for the next call.</summary>
    public void Clear() => _m = 0;

    /// <summary>Rows of the packed A.</summary>
    internal int Rows => _m;

    /// <summary>The reduction length of the packed A.</summary>
    internal int Depth => _k;

    /// <summary>The longest k block (KC) A was packed in; k blocks start at multiples of it.</summary>
    internal int DepthBlock => _kcMax;

    /// <summary>The vector width in bits (512, 256 or 128) A was packed for.</summary>
    internal int PackedWidth => _width;

    /// <summary>
    /// The packed strip of A's rows from <paramref name="row"/> (a multiple of the tile's rows) in the k block starting
    /// at <paramref name="pc"/>: the micro-kernel's A operand, valid until the next <see cref="Pack"/>.
    /// </summary>
    internal T* Strip(int pc, int row) => Aligned(_packA) + pc * _mRounded + row * Math.Min(_kcMax, _k - pc);

    /// <summary>The vector width (512, 256 or 128 bits) the GEMM uses on this machine now.</summary>
    private static int Width => Gemm.TileRows == GemmMicroKernel12.MR ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    private void PackAll<TVec, TSimd>(int m, int k, StridedMatrix<T> a)
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int mr = TSimd.Rows;
        Gemm.BlockSizes<T>(mr, 2 * TSimd.Count, k, out _kcMax, out _mcMax, out _ncMax);
        _m = m;
        _k = k;
        _mRounded = (m + mr - 1) / mr * mr;
        // Block (pc, ic) of A, mc × kc, is packed at pc·mRounded + ic·kc: the blocks of one pc one after the other.
        int length = _mRounded * k + 64 / sizeof(T);
        if (_packA.Length < length)
        {
            _packA = GC.AllocateUninitializedArray<T>(length, pinned: true);
        }
        T* packA = Aligned(_packA);
        fixed (T* ap = a.Data)
        {
            T* origin = ap + a.Offset;
            for (int pc = 0; pc < k; pc += _kcMax)
            {
                int kc = Math.Min(_kcMax, k - pc);
                for (int ic = 0; ic < m; ic += _mcMax)
                {
                    int mc = Math.Min(_mcMax, m - ic);
                    GemmPacking.PackA<T, TVec, TSimd>(mc, kc, origin + ic * (nint)a.RowStride + pc * (nint)a.ColStride, a.RowStride, a.ColStride,
                        packA + pc * _mRounded + ic * kc);
                }
            }
        }
    }

    [SkipLocalsInit]
    private void Blocked<TVec, TSimd, TPanels>(int n, TPanels b, T* c, nint ldc, bool accumulate)
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
        where TPanels : struct, IPanelSource<T>
    {
        int nr = 2 * TSimd.Count;
        int mr = TSimd.Rows;
        int m = _m, k = _k;
        int ncBlock = Math.Min((n + nr - 1) / nr * nr, _ncMax);
        T* packA = Aligned(_packA);
        int bLength = ncBlock * Math.Min(k, _kcMax) + 64 / sizeof(T);
        if (t_packB is null || t_packB.Length < bLength)
        {
            t_packB = GC.AllocateUninitializedArray<T>(bLength, pinned: true);
        }
        T* packB = Aligned(t_packB);
        T* tile = stackalloc T[mr * nr];
        for (int jc = 0; jc < n; jc += _ncMax)
        {
            int nc = Math.Min(_ncMax, n - jc);
            for (int pc = 0; pc < k; pc += _kcMax)
            {
                int kc = Math.Min(_kcMax, k - pc);
                bool add = accumulate || pc > 0;
                b.Pack<TVec, TSimd>(pc, kc, jc, nc, packB);
                for (int ic = 0; ic < m; ic += _mcMax)
                {
                    int mc = Math.Min(_mcMax, m - ic);
                    Gemm.MacroKernel<T, TVec, TSimd>(mc, nc, kc, packA + pc * _mRounded + ic * kc, packB, c + ic * ldc + jc, ldc, add, tile);
                }
            }
        }
    }

    private static T* Aligned(T[] buffer)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (T*)((address + 63) & ~(nuint)63);
    }

    /// <summary>B read through strides and packed by <see cref="GemmPacking.PackB{T, TVec, TSimd}"/>.</summary>
    private readonly struct StridedPanels(T* b, nint rs, nint cs) : IPanelSource<T>
    {
        public void Pack<TVec, TSimd>(int pc, int kc, int jc, int nc, T* destination)
            where TVec : struct
            where TSimd : IGemmSimd<TVec, T> =>
            GemmPacking.PackB<T, TVec, TSimd>(kc, nc, b + pc * rs + jc * cs, rs, cs, destination);
    }
}

/// <summary>A B operand that packs its own blocks into the GEMM's B strips.</summary>
internal unsafe interface IPanelSource<T>
    where T : unmanaged
{
    /// <summary>
    /// Packs rows [pc, pc + kc) and columns [jc, jc + nc) of B as <see cref="GemmPacking.PackB{T, TVec, TSimd}"/> does:
    /// strips of 2 vectors' columns (the last one a single vector when that holds its columns), kc rows each, one strip
    /// after the other, the columns past nc zero.
    /// </summary>
    void Pack<TVec, TSimd>(int pc, int kc, int jc, int nc, T* destination)
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>;
}
