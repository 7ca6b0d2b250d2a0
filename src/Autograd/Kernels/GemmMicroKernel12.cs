using System.Runtime.CompilerServices;

namespace MiniTorch.Kernels;

/// <summary>
/// The AVX-512 micro-kernel: a 12 × 2-vector tile of C (12 rows × 32 floats or 16 doubles) in 24 accumulators, which
/// with the 2 B vectors and the broadcast A value uses 27 of the 32 zmm registers; AVX2's 16 registers only hold
/// <see cref="GemmMicroKernel"/>'s 6 × 2. Per k it loads 2 vectors of B for 24 FMAs instead of 12, so B's L1 traffic
/// and the loop overhead per FMA halve, and C is read and written once per 12 × KC rather than 6 × KC rows of work.
/// It is BLIS's sgemm shape for Skylake-X (32 × 12 there, with C column-major). Written out by hand, as the 6 × 2
/// is: the JIT keeps locals in registers, not arrays.
/// </summary>
internal static unsafe class GemmMicroKernel12
{
    /// <summary>Rows of C per tile.</summary>
    public const int MR = 12;

    /// <summary>
    /// C[0..MR, 0..NR] (row stride <paramref name="ldc"/>, column stride 1) = (or += when <paramref name="accumulate"/>)
    /// the product of the packed strips <paramref name="a"/> (kc × MR) and <paramref name="b"/> (kc × NR).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T, TVec, TSimd>(int kc, T* a, T* b, T* c, nint ldc, bool accumulate)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        nint w = TSimd.Count;
        // As in the 6 × 2 kernel: start fetching C's rows now, so the update at the end does not wait on them.
        GemmMicroKernel.PrefetchRows<T, TVec, TSimd>(c, ldc, MR);
        TVec c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        TVec c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default, c90 = default, c91 = default, c100 = default, c101 = default, c110 = default, c111 = default;
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
            x = TSimd.Broadcast(a + 6);
            c60 = TSimd.MultiplyAdd(x, b0, c60);
            c61 = TSimd.MultiplyAdd(x, b1, c61);
            x = TSimd.Broadcast(a + 7);
            c70 = TSimd.MultiplyAdd(x, b0, c70);
            c71 = TSimd.MultiplyAdd(x, b1, c71);
            x = TSimd.Broadcast(a + 8);
            c80 = TSimd.MultiplyAdd(x, b0, c80);
            c81 = TSimd.MultiplyAdd(x, b1, c81);
            x = TSimd.Broadcast(a + 9);
            c90 = TSimd.MultiplyAdd(x, b0, c90);
            c91 = TSimd.MultiplyAdd(x, b1, c91);
            x = TSimd.Broadcast(a + 10);
            c100 = TSimd.MultiplyAdd(x, b0, c100);
            c101 = TSimd.MultiplyAdd(x, b1, c101);
            x = TSimd.Broadcast(a + 11);
            c110 = TSimd.MultiplyAdd(x, b0, c110);
            c111 = TSimd.MultiplyAdd(x, b1, c111);
            a += MR;
            b += 2 * w;
        }
        GemmMicroKernel.StoreRows<T, TVec, TSimd>(c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c, ldc, accumulate);
        GemmMicroKernel.StoreRows<T, TVec, TSimd>(c60, c61, c70, c71, c80, c81, c90, c91, c100, c101, c110, c111, c + 6 * ldc, ldc, accumulate);
    }
}
