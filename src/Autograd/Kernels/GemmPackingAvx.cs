using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MiniTorch.Kernels;

/// <summary>
/// The packing layouts that are transposes of the source, done in AVX registers instead of one element at a time: B
/// read down contiguous rows (a transposed weight, x·Wᵀ; float32) and A read along contiguous rows (MR = 6 or 12 rows
/// interleaved per k; float32 in 8 × 8 blocks, float64 in 4 × 4). On the batch-64 MLP the scalar gather of Wᵀ was
/// about a quarter of a Linear's forward time on one thread, and a profile of the transformer step put packing A at a
/// third of the product loop's time.
/// </summary>
internal static unsafe class GemmPackingAvx
{
    /// <summary>
    /// d[p·nr + j] = s_j[p] for j &lt; nr (a multiple of 8) and p &lt; kc, where column j of the block starts at
    /// <paramref name="source"/> + j·<paramref name="cs"/> and runs contiguously down k.
    /// </summary>
    public static void PackTransposedB(int kc, int nr, float* source, nint cs, float* d)
    {
        int p = 0;
        for (; p <= kc - 8; p += 8)
        {
            for (int j = 0; j < nr; j += 8)
            {
                float* s = source + j * cs + p;
                AvxTranspose.Transpose8x8(
                    Avx.LoadVector256(s), Avx.LoadVector256(s + cs), Avx.LoadVector256(s + 2 * cs), Avx.LoadVector256(s + 3 * cs),
                    Avx.LoadVector256(s + 4 * cs), Avx.LoadVector256(s + 5 * cs), Avx.LoadVector256(s + 6 * cs), Avx.LoadVector256(s + 7 * cs),
                    d + p * nr + j, nr);
            }
        }
        for (; p < kc; p++)
        {
            for (int j = 0; j < nr; j++)
            {
                d[p * nr + j] = source[j * cs + p];
            }
        }
    }

    /// <summary>
    /// d[p·mr + i] = r_i[p] for the <paramref name="mr"/> contiguous rows r_i = <paramref name="source"/> + i·<paramref name="rs"/>
    /// and p &lt; kc, with AVX transposes; false (nothing written) where AVX or a transpose for this MR and element
    /// type is missing.
    /// </summary>
    public static bool TryPackRowMajorStrip<T>(int kc, int mr, T* source, nint rs, T* d)
        where T : unmanaged
    {
        if (!HasTranspose<T>(mr))
        {
            return false;
        }
        if (typeof(T) == typeof(float))
        {
            if (mr == GemmMicroKernel.MR)
            {
                PackRowMajorStrip(kc, (float*)source, rs, (float*)d);
                return true;
            }
            if (mr == GemmMicroKernel12.MR)
            {
                PackRowMajorStrip12(kc, (float*)source, rs, (float*)d);
                return true;
            }
        }
        else if (typeof(T) == typeof(double) && mr % 4 == 2)
        {
            PackRowMajorStrip(kc, mr, (double*)source, rs, (double*)d);
            return true;
        }
        return false;
    }

    /// <summary>Whether <see cref="TryPackRowMajorStrip"/> has a vector transpose for this MR and element type here.</summary>
    public static bool HasTranspose<T>(int mr)
        where T : unmanaged =>
        Avx.IsSupported && (typeof(T) == typeof(float)
            ? mr == GemmMicroKernel.MR || mr == GemmMicroKernel12.MR
            : typeof(T) == typeof(double) && mr % 4 == 2);

    /// <summary>
    /// d[p·6 + i] = r_i[p] for the 6 contiguous rows r_i = <paramref name="source"/> + i·<paramref name="rs"/>: an 8×8
    /// transpose with two dummy rows, whose 6-wide output rows are stored with overlapping 8-wide stores in order
    /// (each store's last two lanes are overwritten by the next); the final row of the block is stored element-wise so
    /// nothing is written past the strip.
    /// </summary>
    public static void PackRowMajorStrip(int kc, float* source, nint rs, float* d)
    {
        const int mr = GemmMicroKernel.MR;
        int p = 0;
        var zero = Vector256<float>.Zero;
        for (; p <= kc - 8; p += 8)
        {
            float* s = source + p;
            float* o = d + p * mr;
            AvxTranspose.Transpose8x8(
                Avx.LoadVector256(s), Avx.LoadVector256(s + rs), Avx.LoadVector256(s + 2 * rs), Avx.LoadVector256(s + 3 * rs),
                Avx.LoadVector256(s + 4 * rs), Avx.LoadVector256(s + 5 * rs), zero, zero,
                o, mr, lastRowLanes: p + 8 == kc ? mr : 8);
        }
        for (; p < kc; p++)
        {
            for (int i = 0; i < mr; i++)
            {
                d[p * mr + i] = source[i * rs + p];
            }
        }
    }

    /// <summary>
    /// d[p·12 + i] = r_i[p] for 12 contiguous rows: rows 0–7 through an 8 × 8 transpose (8-wide stores, which fit
    /// the 12-wide output rows), rows 8–11 through a 4 × 8 one (4-wide stores).
    /// </summary>
    private static void PackRowMajorStrip12(int kc, float* source, nint rs, float* d)
    {
        const int mr = GemmMicroKernel12.MR;
        int p = 0;
        for (; p <= kc - 8; p += 8)
        {
            float* s = source + p;
            float* o = d + p * mr;
            AvxTranspose.Transpose8x8(
                Avx.LoadVector256(s), Avx.LoadVector256(s + rs), Avx.LoadVector256(s + 2 * rs), Avx.LoadVector256(s + 3 * rs),
                Avx.LoadVector256(s + 4 * rs), Avx.LoadVector256(s + 5 * rs), Avx.LoadVector256(s + 6 * rs), Avx.LoadVector256(s + 7 * rs),
                o, mr);
            s += 8 * rs;
            var t0 = Avx.UnpackLow(Avx.LoadVector256(s), Avx.LoadVector256(s + rs));
            var t1 = Avx.UnpackHigh(Avx.LoadVector256(s), Avx.LoadVector256(s + rs));
            var t2 = Avx.UnpackLow(Avx.LoadVector256(s + 2 * rs), Avx.LoadVector256(s + 3 * rs));
            var t3 = Avx.UnpackHigh(Avx.LoadVector256(s + 2 * rs), Avx.LoadVector256(s + 3 * rs));
            // u_t holds k = p + t in its low half and k = p + t + 4 in its high half, rows 8–11 each.
            var u0 = Avx.Shuffle(t0, t2, 0x44);
            var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44);
            var u3 = Avx.Shuffle(t1, t3, 0xEE);
            o += 8;
            u0.GetLower().Store(o);
            u1.GetLower().Store(o + mr);
            u2.GetLower().Store(o + 2 * mr);
            u3.GetLower().Store(o + 3 * mr);
            u0.GetUpper().Store(o + 4 * mr);
            u1.GetUpper().Store(o + 5 * mr);
            u2.GetUpper().Store(o + 6 * mr);
            u3.GetUpper().Store(o + 7 * mr);
        }
        for (; p < kc; p++)
        {
            for (int i = 0; i < mr; i++)
            {
                d[p * mr + i] = source[i * rs + p];
            }
        }
    }

    /// <summary>
    /// d[p·mr + i] = r_i[p] for <paramref name="mr"/> = 4q + 2 contiguous float64 rows: q 4 × 4 transposes and one
    /// 2 × 4 per four k.
    /// </summary>
    private static void PackRowMajorStrip(int kc, int mr, double* source, nint rs, double* d)
    {
        int p = 0;
        for (; p <= kc - 4; p += 4)
        {
            double* o = d + p * mr;
            int i = 0;
            for (; i <= mr - 4; i += 4)
            {
                double* s = source + i * rs + p;
                AvxTranspose.Transpose4x4(
                    Avx.LoadVector256(s), Avx.LoadVector256(s + rs), Avx.LoadVector256(s + 2 * rs), Avx.LoadVector256(s + 3 * rs), o + i, mr);
            }
            {
                double* s = source + i * rs + p;
                var t0 = Avx.UnpackLow(Avx.LoadVector256(s), Avx.LoadVector256(s + rs));
                var t1 = Avx.UnpackHigh(Avx.LoadVector256(s), Avx.LoadVector256(s + rs));
                t0.GetLower().Store(o + i);
                t1.GetLower().Store(o + mr + i);
                t0.GetUpper().Store(o + 2 * mr + i);
                t1.GetUpper().Store(o + 3 * mr + i);
            }
        }
        for (; p < kc; p++)
        {
            for (int i = 0; i < mr; i++)
            {
                d[p * mr + i] = source[i * rs + p];
            }
        }
    }
}
