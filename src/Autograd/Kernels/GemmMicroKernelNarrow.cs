using System.Runtime.CompilerServices;

namespace MiniTorch.Kernels;

/// <summary>
/// Micro-kernels one vector wide, for N's last strip when at most one vector of columns is left (a 10-class head, or
/// N = 784 = 24·32 + 16 with 32-wide strips): packed B is one vector wide there, and these compute MR × 1 vector
/// instead of MR × 2 with half of it thrown away. A is the usual packed strip (<c>aStep</c> values per k, the first
/// 6 or 12 used); B's strip is kc × one vector. The 12- and 6-row kernels are one body: the row count is a type
/// argument, so the JIT drops the upper six rows' code from the 6-row instantiation.
/// </summary>
internal static unsafe class GemmMicroKernelNarrow
{
    /// <summary>C[0..12, 0..W] = (or +=) the 12 × kc strip of A times the kc × W strip of B, W = one vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run12<T, TVec, TSimd>(int kc, T* a, nint aStep, T* b, T* c, nint ldc, bool accumulate)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T> =>
        Run<T, TVec, TSimd, TwelveRows>(kc, a, aStep, b, c, ldc, accumulate);

    /// <summary>C[0..6, 0..W] = (or +=) the first 6 rows of A's strip times the kc × W strip of B, W = one vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run6<T, TVec, TSimd>(int kc, T* a, nint aStep, T* b, T* c, nint ldc, bool accumulate)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T> =>
        Run<T, TVec, TSimd, SixRows>(kc, a, aStep, b, c, ldc, accumulate);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<T, TVec, TSimd, TRows>(int kc, T* a, nint aStep, T* b, T* c, nint ldc, bool accumulate)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
        where TRows : struct, IRowCount
    {
        // A JIT-time constant in each instantiation.
        bool twelve = TRows.Value == 12;
        TVec c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (int p = 0; p < kc; p++)
        {
            TVec b0 = TSimd.Load(b);
            c0 = TSimd.MultiplyAdd(TSimd.Broadcast(a), b0, c0);
            c1 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 1), b0, c1);
            c2 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 2), b0, c2);
            c3 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 3), b0, c3);
            c4 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 4), b0, c4);
            c5 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 5), b0, c5);
            if (twelve)
            {
                c6 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 6), b0, c6);
                c7 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 7), b0, c7);
                c8 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 8), b0, c8);
                c9 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 9), b0, c9);
                c10 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 10), b0, c10);
                c11 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 11), b0, c11);
            }
            a += aStep;
            b += TSimd.Count;
        }
        StoreRows<T, TVec, TSimd>(c0, c1, c2, c3, c4, c5, c, ldc, accumulate);
        if (twelve)
        {
            StoreRows<T, TVec, TSimd>(c6, c7, c8, c9, c10, c11, c + 6 * ldc, ldc, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows<T, TVec, TSimd>(TVec c0, TVec c1, TVec c2, TVec c3, TVec c4, TVec c5, T* c, nint ldc, bool accumulate)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        // One test of the flag per six rows, as in GemmMicroKernel.StoreRows.
        if (accumulate)
        {
            StoreRowsWith<T, TVec, TSimd>(c0, c1, c2, c3, c4, c5, c, ldc, true);
        }
        else
        {
            StoreRowsWith<T, TVec, TSimd>(c0, c1, c2, c3, c4, c5, c, ldc, false);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRowsWith<T, TVec, TSimd>(TVec c0, TVec c1, TVec c2, TVec c3, TVec c4, TVec c5, T* c, nint ldc, bool accumulate)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        GemmMicroKernel.StoreVector<T, TVec, TSimd>(c0, c, accumulate);
        GemmMicroKernel.StoreVector<T, TVec, TSimd>(c1, c + ldc, accumulate);
        GemmMicroKernel.StoreVector<T, TVec, TSimd>(c2, c + 2 * ldc, accumulate);
        GemmMicroKernel.StoreVector<T, TVec, TSimd>(c3, c + 3 * ldc, accumulate);
        GemmMicroKernel.StoreVector<T, TVec, TSimd>(c4, c + 4 * ldc, accumulate);
        GemmMicroKernel.StoreVector<T, TVec, TSimd>(c5, c + 5 * ldc, accumulate);
    }

    /// <summary>A tile's row count as a type, so that it is a constant when the JIT compiles each instantiation.</summary>
    private interface IRowCount
    {
        static abstract int Value { get; }
    }

    private readonly struct SixRows : IRowCount
    {
        public static int Value => 6;
    }

    private readonly struct TwelveRows : IRowCount
    {
        public static int Value => 12;
    }
}
