using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace MiniTorch.Kernels;

/// <summary>
/// The innermost GEMM loop: an MR × NR tile of C (6 rows × 2 vectors) accumulated in 12 vector registers over a
/// whole KC-long strip, from packed A (MR values per k) and packed B (NR values per k). Per k it loads 2 vectors of
/// B and broadcasts 6 values of A into 12 FMAs, which keeps both FMA pipes of an AVX2 core busy while using 15 of
/// its 16 vector registers. The vector width is the TSimd type argument of <see cref="Run"/>. On the AVX-512 path,
/// where <see cref="GemmMicroKernel12"/> does the full tiles, this kernel does the edge tiles of at most 6 rows,
/// reading the first 6 rows of a 12-row packed strip (<c>aStep</c> = 12).
/// </summary>
internal static unsafe class GemmMicroKernel
{
    /// <summary>Rows of C per tile.</summary>
    public const int MR = 6;

    /// <summary>
    /// C[0..MR, 0..NR] (row stride <paramref name="ldc"/>, column stride 1) = (or += when <paramref name="accumulate"/>)
    /// the product of the packed strips <paramref name="a"/> (kc × <paramref name="aStep"/>, of which the first MR values
    /// per k are used) and <paramref name="b"/> (kc × NR).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T, TVec, TSimd>(int kc, T* a, nint aStep, T* b, T* c, nint ldc, bool accumulate)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        nint w = TSimd.Count;
        // C's rows are far apart (often a power-of-two stride) and usually outside L1 by now: ask for them while the
        // k loop runs, so the update at the end does not stall on six cache misses.
        PrefetchRows<T, TVec, TSimd>(c, ldc, MR);
        TVec c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        TVec c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            TVec b0 = TSimd.Load(b);
            TVec b1 = TSimd.Load(b + w);
            TVec x = TSimd.Broadcast(a);
            c00 = TSimd.MultiplyAdd(x, b0, c00);
            c01 = TSimd.MultiplyAdd(x, b1, c01);
            x = TSimd.Broadcast(a + 1);
            c10 = TSimd.MultiplyAdd(x, b0, c10);
            c11 = TSimd.MultiplyAdd(x, b1, c11);
            x = TSimd.Broadcast(a + 2);
            c20 = TSimd.MultiplyAdd(x, b0, c20);
            c21 = TSimd.MultiplyAdd(x, b1, c21);
            x = TSimd.Broadcast(a + 3);
            c30 = TSimd.MultiplyAdd(x, b0, c30);
            c31 = TSimd.MultiplyAdd(x, b1, c31);
            x = TSimd.Broadcast(a + 4);
            c40 = TSimd.MultiplyAdd(x, b0, c40);
            c41 = TSimd.MultiplyAdd(x, b1, c41);
            x = TSimd.Broadcast(a + 5);
            c50 = TSimd.MultiplyAdd(x, b0, c50);
            c51 = TSimd.MultiplyAdd(x, b1, c51);
            a += aStep;
            b += 2 * w;
        }
        StoreRows<T, TVec, TSimd>(c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c, ldc, accumulate);
    }

    /// <summary>
    /// Starts fetching <paramref name="rows"/> rows of a C tile two vectors wide: the line of each row's first element
    /// and that of its last (with 64-byte vectors a row is two cache lines, and the second missed at the store).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PrefetchRows<T, TVec, TSimd>(T* c, nint ldc, int rows)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        if (Sse.IsSupported)
        {
            nint last = 2 * TSimd.Count - 1;
            for (int i = 0; i < rows; i++, c += ldc)
            {
                Sse.Prefetch0(c);
                Sse.Prefetch0(c + last);
            }
        }
    }

    /// <summary>Stores (or adds, when <paramref name="accumulate"/>) six rows of two-vector accumulators into C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreRows<T, TVec, TSimd>(TVec c00, TVec c01, TVec c10, TVec c11, TVec c20, TVec c21,
        TVec c30, TVec c31, TVec c40, TVec c41, TVec c50, TVec c51, T* c, nint ldc, bool accumulate)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        // One test of the flag for the whole tile: passed down as a variable, the JIT tested it again before each of
        // the 12 (24 with MR = 12) vector stores.
        if (accumulate)
        {
            StoreRowsWith<T, TVec, TSimd>(c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c, ldc, true);
        }
        else
        {
            StoreRowsWith<T, TVec, TSimd>(c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c, ldc, false);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRowsWith<T, TVec, TSimd>(TVec c00, TVec c01, TVec c10, TVec c11, TVec c20, TVec c21,
        TVec c30, TVec c31, TVec c40, TVec c41, TVec c50, TVec c51, T* c, nint ldc, bool accumulate)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        nint w = TSimd.Count;
        StoreRow<T, TVec, TSimd>(c00, c01, c, w, accumulate);
        StoreRow<T, TVec, TSimd>(c10, c11, c + ldc, w, accumulate);
        StoreRow<T, TVec, TSimd>(c20, c21, c + 2 * ldc, w, accumulate);
        StoreRow<T, TVec, TSimd>(c30, c31, c + 3 * ldc, w, accumulate);
        StoreRow<T, TVec, TSimd>(c40, c41, c + 4 * ldc, w, accumulate);
        StoreRow<T, TVec, TSimd>(c50, c51, c + 5 * ldc, w, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T, TVec, TSimd>(TVec v0, TVec v1, T* c, nint w, bool accumulate)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        StoreVector<T, TVec, TSimd>(v0, c, accumulate);
        StoreVector<T, TVec, TSimd>(v1, c + w, accumulate);
    }

    /// <summary>C[0..W] = <paramref name="v"/>, or C += v when <paramref name="accumulate"/>: every tile's store, at every width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreVector<T, TVec, TSimd>(TVec v, T* c, bool accumulate)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        if (accumulate)
        {
            v = TSimd.Add(v, TSimd.Load(c));
        }
        TSimd.Store(v, c);
    }
}
