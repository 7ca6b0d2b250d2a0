using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// C = A·B for contiguous row-major A (M×K), B (K×N), C (M×N). A register-blocked kernel: 4 rows of C
/// by 2 vectors of columns (8 accumulators) stay in registers across the whole K loop, so each loaded B
/// vector feeds 4 FMAs. The block is built from Vector512 where AVX-512 is available and from Vector256
/// otherwise (AVX2 machines, such as the Zen 3 benchmark machine, would else fall back to one axpy per row
/// and k, which reloads and stores the C row every step). Rows are split over cores for large products.
/// (The packed, cache-blocked GEMM is a later step.)
/// </summary>
internal static class Gemm
{
    private const int RowBlock = 4;
    private const long ParallelThreshold = 1L << 21; // multiply-adds; below this a second thread costs more than it saves

    public static void Multiply<T>(T[] a, int aOffset, T[] b, int bOffset, T[] c, int cOffset, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0)
        {
            return;
        }
        if (k == 0)
        {
            c.AsSpan(cOffset, m * n).Clear();
            return;
        }
        int blocks = (m + RowBlock - 1) / RowBlock;
        if ((long)m * n * k >= ParallelThreshold && blocks > 1 && Environment.ProcessorCount > 1)
        {
            Parallel.For(0, blocks, blk => RowBlockKernel(a, aOffset, b, bOffset, c, cOffset, blk * RowBlock, Math.Min(RowBlock, m - blk * RowBlock), k, n));
        }
        else
        {
            for (int blk = 0; blk < blocks; blk++)
            {
                RowBlockKernel(a, aOffset, b, bOffset, c, cOffset, blk * RowBlock, Math.Min(RowBlock, m - blk * RowBlock), k, n);
            }
        }
    }

    private static void RowBlockKernel<T>(T[] a, int aOffset, T[] b, int bOffset, T[] c, int cOffset, int row0, int rows, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (rows == RowBlock)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                int w = Vector512<T>.Count;
                for (; j + 2 * w <= n; j += 2 * w)
                {
                    Block4x2(a, aOffset, b, bOffset, c, cOffset, row0, j, k, n);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                int w = Vector256<T>.Count;
                for (; j + 2 * w <= n; j += 2 * w)
                {
                    Block4x2Vector256(a, aOffset, b, bOffset, c, cOffset, row0, j, k, n);
                }
            }
        }
        // Remaining columns, short row blocks, and machines without 256-bit SIMD: one row at a time, a
        // vectorised axpy (TensorPrimitives picks the widest vector it can, or scalar) per k.
        if (j < n)
        {
            int width = n - j;
            for (int r = 0; r < rows; r++)
            {
                var cRow = c.AsSpan(cOffset + (row0 + r) * n + j, width);
                cRow.Clear();
                int aRow = aOffset + (row0 + r) * k;
                for (int p = 0; p < k; p++)
                {
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(b.AsSpan(bOffset + p * n + j, width), a[aRow + p], cRow, cRow);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x2<T>(T[] a, int aOffset, T[] b, int bOffset, T[] c, int cOffset, int row0, int col, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<T> c20 = default, c21 = default, c30 = default, c31 = default;
        ref T bRef = ref b[0];
        int a0 = aOffset + row0 * k;
        int a1 = a0 + k;
        int a2 = a1 + k;
        int a3 = a2 + k;
        int bi = bOffset + col;
        for (int p = 0; p < k; p++, bi += n)
        {
            var b0 = Vector512.LoadUnsafe(ref bRef, (nuint)bi);
            var b1 = Vector512.LoadUnsafe(ref bRef, (nuint)(bi + w));
            var v = Vector512.Create(a[a0 + p]);
            c00 = Fma(v, b0, c00);
            c01 = Fma(v, b1, c01);
            v = Vector512.Create(a[a1 + p]);
            c10 = Fma(v, b0, c10);
            c11 = Fma(v, b1, c11);
            v = Vector512.Create(a[a2 + p]);
            c20 = Fma(v, b0, c20);
            c21 = Fma(v, b1, c21);
            v = Vector512.Create(a[a3 + p]);
            c30 = Fma(v, b0, c30);
            c31 = Fma(v, b1, c31);
        }
        ref T cRef = ref c[0];
        int ci = cOffset + row0 * n + col;
        c00.StoreUnsafe(ref cRef, (nuint)ci);
        c01.StoreUnsafe(ref cRef, (nuint)(ci + w));
        ci += n;
        c10.StoreUnsafe(ref cRef, (nuint)ci);
        c11.StoreUnsafe(ref cRef, (nuint)(ci + w));
        ci += n;
        c20.StoreUnsafe(ref cRef, (nuint)ci);
        c21.StoreUnsafe(ref cRef, (nuint)(ci + w));
        ci += n;
        c30.StoreUnsafe(ref cRef, (nuint)ci);
        c31.StoreUnsafe(ref cRef, (nuint)(ci + w));
    }

    /// <summary>The same 4×2-vector block as <see cref="Block4x2{T}"/>, in 256-bit vectors for machines without AVX-512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x2Vector256<T>(T[] a, int aOffset, T[] b, int bOffset, T[] c, int cOffset, int row0, int col, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<T> c20 = default, c21 = default, c30 = default, c31 = default;
        ref T bRef = ref b[0];
        int a0 = aOffset + row0 * k;
        int a1 = a0 + k;
        int a2 = a1 + k;
        int a3 = a2 + k;
        int bi = bOffset + col;
        for (int p = 0; p < k; p++, bi += n)
        {
            var b0 = Vector256.LoadUnsafe(ref bRef, (nuint)bi);
            var b1 = Vector256.LoadUnsafe(ref bRef, (nuint)(bi + w));
            var v = Vector256.Create(a[a0 + p]);
            c00 = Fma(v, b0, c00);
            c01 = Fma(v, b1, c01);
            v = Vector256.Create(a[a1 + p]);
            c10 = Fma(v, b0, c10);
            c11 = Fma(v, b1, c11);
            v = Vector256.Create(a[a2 + p]);
            c20 = Fma(v, b0, c20);
            c21 = Fma(v, b1, c21);
            v = Vector256.Create(a[a3 + p]);
            c30 = Fma(v, b0, c30);
            c31 = Fma(v, b1, c31);
        }
        ref T cRef = ref c[0];
        int ci = cOffset + row0 * n + col;
        c00.StoreUnsafe(ref cRef, (nuint)ci);
        c01.StoreUnsafe(ref cRef, (nuint)(ci + w));
        ci += n;
        c10.StoreUnsafe(ref cRef, (nuint)ci);
        c11.StoreUnsafe(ref cRef, (nuint)(ci + w));
        ci += n;
        c20.StoreUnsafe(ref cRef, (nuint)ci);
        c21.StoreUnsafe(ref cRef, (nuint)(ci + w));
        ci += n;
        c30.StoreUnsafe(ref cRef, (nuint)ci);
        c31.StoreUnsafe(ref cRef, (nuint)(ci + w));
    }

    /// <summary>a·b + c with one rounding; the type tests are JIT-time constants, so this compiles to one instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }
        return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    /// <summary>The 256-bit form of <see cref="Fma{T}(Vector512{T}, Vector512{T}, Vector512{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }
        return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }
}
