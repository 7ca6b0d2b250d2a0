using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MiniTorch.Kernels;

/// <summary>Register transposes of square blocks (8×8 float32, 4×4 float64) for the GEMM's packing and the tiled copies.</summary>
internal static unsafe class AvxTranspose
{
    /// <summary>
    /// Writes column t of the 8×8 matrix with rows r0…r7 to <paramref name="d"/> + t·<paramref name="stride"/>, for
    /// t = 0…7, in order; the last one writes only <paramref name="lastRowLanes"/> lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose8x8(
        Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
        float* d, nint stride, int lastRowLanes = 8)
    {
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + stride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * stride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * stride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * stride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * stride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * stride, Avx.Permute2x128(u2, u6, 0x31));
        var last = Avx.Permute2x128(u3, u7, 0x31);
        if (lastRowLanes == 8)
        {
            Avx.Store(d + 7 * stride, last);
        }
        else
        {
            float* l = d + 7 * stride;
            for (int i = 0; i < lastRowLanes; i++)
            {
                l[i] = last.GetElement(i);
            }
        }
    }

    /// <summary>Writes column t of the 4×4 matrix with rows r0…r3 to <paramref name="d"/> + t·<paramref name="stride"/>, t = 0…3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose4x4(Vector256<double> r0, Vector256<double> r1, Vector256<double> r2, Vector256<double> r3, double* d, nint stride)
    {
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        Avx.Store(d, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(d + stride, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(d + 2 * stride, Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(d + 3 * stride, Avx.Permute2x128(t1, t3, 0x31));
    }

    /// <summary>
    /// The side of the square blocks <see cref="CopyBlocks{T}"/> transposes for elements of <typeparamref name="T"/>:
    /// 8 for 4-byte, 4 for 8-byte elements with AVX; 0 where it has no register transpose.
    /// </summary>
    public static int BlockSize<T>() =>
        !Avx.IsSupported || RuntimeHelpers.IsReferenceOrContainsReferences<T>() ? 0
        : Unsafe.SizeOf<T>() == 4 ? 8
        : Unsafe.SizeOf<T>() == 8 ? 4
        : 0;

    /// <summary>
    /// dst[dof + r·dstRow + c] = src[so + r + c·srcCol] for r in [r0, r1), c in [c0, c1), both ranges whole multiples of
    /// <see cref="BlockSize{T}"/>: each block read as contiguous runs of the source and written as contiguous runs of
    /// the destination. Unchecked: the callers pass ranges of valid tensor layouts, which lie inside both arrays.
    /// </summary>
    public static void CopyBlocks<T>(T[] src, int so, int srcCol, T[] dst, int dof, int dstRow, int r0, int r1, int c0, int c1)
    {
        fixed (byte* sp = &Unsafe.As<T, byte>(ref MemoryMarshal.GetArrayDataReference(src)))
        fixed (byte* dp = &Unsafe.As<T, byte>(ref MemoryMarshal.GetArrayDataReference(dst)))
        {
            if (Unsafe.SizeOf<T>() == 4)
            {
                float* s = (float*)sp + so;
                float* d = (float*)dp + dof;
                for (int r = r0; r < r1; r += 8)
                {
                    for (int c = c0; c < c1; c += 8)
                    {
                        float* b = s + r + (nint)c * srcCol;
                        Transpose8x8(
                            Avx.LoadVector256(b), Avx.LoadVector256(b + srcCol), Avx.LoadVector256(b + 2 * srcCol), Avx.LoadVector256(b + 3 * srcCol),
                            Avx.LoadVector256(b + 4 * srcCol), Avx.LoadVector256(b + 5 * srcCol), Avx.LoadVector256(b + 6 * srcCol), Avx.LoadVector256(b + 7 * srcCol),
                            d + (nint)r * dstRow + c, dstRow);
                    }
                }
            }
            else
            {
                double* s = (double*)sp + so;
                double* d = (double*)dp + dof;
                for (int r = r0; r < r1; r += 4)
                {
                    for (int c = c0; c < c1; c += 4)
                    {
                        double* b = s + r + (nint)c * srcCol;
                        Transpose4x4(
                            Avx.LoadVector256(b), Avx.LoadVector256(b + srcCol), Avx.LoadVector256(b + 2 * srcCol), Avx.LoadVector256(b + 3 * srcCol),
                            d + (nint)r * dstRow + c, dstRow);
                    }
                }
            }
        }
    }
}
