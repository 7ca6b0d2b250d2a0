using System.Runtime.CompilerServices;

namespace MiniTorch.Kernels;

/// <summary>
/// Copies blocks of A and B into the layouts the micro-kernel streams through: A as MR-tall strips (for each k, MR
/// consecutive rows), B as NR-wide strips (for each k, NR consecutive columns), each strip contiguous and padded
/// with zeros to full height or width, so the micro-kernel never needs an edge case. The sources are read through
/// arbitrary row and column strides, which is how transposed and sliced operands reach the GEMM without a copy.
/// </summary>
internal static unsafe class GemmPacking
{
    private const int MR = GemmMicroKernel.MR;

    /// <summary>Packs the mc × kc block at <paramref name="a"/> (strides <paramref name="rs"/>, <paramref name="cs"/>) into ⌈mc/MR⌉ strips of kc × MR.</summary>
    public static void PackA<T>(int mc, int kc, T* a, nint rs, nint cs, T* destination)
        where T : unmanaged
    {
        for (int i0 = 0; i0 < mc; i0 += MR, destination += kc * MR)
        {
            int rows = Math.Min(MR, mc - i0);
            T* source = a + i0 * rs;
            if (rows == MR && cs == 1 && typeof(T) == typeof(float) && System.Runtime.Intrinsics.X86.Avx.IsSupported)
            {
                GemmPackingAvx.PackRowMajorStrip(kc, (float*)source, rs, (float*)destination);
            }
            else if (rows == MR && cs == 1)
            {
                PackRowMajorStrip(kc, source, rs, destination);
            }
            else if (rows == MR && rs == 1)
            {
                // Columns of A are contiguous (A is a transposed view): each k's strip is one run of MR values.
                T* d = destination;
                for (int p = 0; p < kc; p++, d += MR)
                {
                    T* s = source + p * cs;
                    d[0] = s[0];
                    d[1] = s[1];
                    d[2] = s[2];
                    d[3] = s[3];
                    d[4] = s[4];
                    d[5] = s[5];
                }
            }
            else
            {
                T* d = destination;
                for (int p = 0; p < kc; p++, d += MR)
                {
                    int i = 0;
                    for (; i < rows; i++)
                    {
                        d[i] = source[i * rs + p * cs];
                    }
                    for (; i < MR; i++)
                    {
                        d[i] = default;
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PackRowMajorStrip<T>(int kc, T* source, nint rs, T* d)
        where T : unmanaged
    {
        T* r0 = source, r1 = source + rs, r2 = source + 2 * rs, r3 = source + 3 * rs, r4 = source + 4 * rs, r5 = source + 5 * rs;
        for (int p = 0; p < kc; p++, d += MR)
        {
            d[0] = r0[p];
            d[1] = r1[p];
            d[2] = r2[p];
            d[3] = r3[p];
            d[4] = r4[p];
            d[5] = r5[p];
        }
    }

    /// <summary>Packs the kc × nc block at <paramref name="b"/> (strides <paramref name="rs"/>, <paramref name="cs"/>) into ⌈nc/NR⌉ strips of kc × NR, NR = 2 vectors.</summary>
    public static void PackB<T, TVec, TSimd>(int kc, int nc, T* b, nint rs, nint cs, T* destination)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int w = TSimd.Count;
        int nr = 2 * w;
        for (int j0 = 0; j0 < nc; j0 += nr, destination += kc * nr)
        {
            int cols = Math.Min(nr, nc - j0);
            T* source = b + j0 * cs;
            T* d = destination;
            if (cols == nr && cs == 1)
            {
                for (int p = 0; p < kc; p++, d += nr)
                {
                    T* s = source + p * rs;
                    TSimd.Store(TSimd.Load(s), d);
                    TSimd.Store(TSimd.Load(s + w), d + w);
                }
            }
            else if (rs == 1 && cols == nr && typeof(T) == typeof(float) && System.Runtime.Intrinsics.X86.Avx.IsSupported)
            {
                GemmPackingAvx.PackTransposedB(kc, nr, (float*)source, cs, (float*)d);
            }
            else if (rs == 1)
            {
                // Rows of B are contiguous (B is a transposed view, as in G·Bᵀ): walk each column down k.
                for (int j = 0; j < cols; j++)
                {
                    T* s = source + j * cs;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nr + j] = s[p];
                    }
                }
                ZeroColumns(kc, cols, nr, d);
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    T* s = source + p * rs;
                    for (int j = 0; j < cols; j++)
                    {
                        d[p * nr + j] = s[j * cs];
                    }
                }
                ZeroColumns(kc, cols, nr, d);
            }
        }
    }

    private static void ZeroColumns<T>(int kc, int cols, int nr, T* d)
        where T : unmanaged
    {
        if (cols == nr)
        {
            return;
        }
        for (int p = 0; p < kc; p++)
        {
            new Span<T>(d + p * nr + cols, nr - cols).Clear();
        }
    }
}
