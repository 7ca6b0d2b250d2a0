using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// Copies blocks of A and B into the layouts the micro-kernel streams through: A as MR-tall strips (for each k, MR
/// consecutive rows), B as NR-wide strips (for each k, NR consecutive columns), each strip contiguous and padded
/// with zeros to full height or width, so the micro-kernel never needs an edge case. The sources are read through
/// arbitrary row and column strides, which is how transposed and sliced operands reach the GEMM without a copy.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs the mc × kc block at <paramref name="a"/> (strides <paramref name="rs"/>, <paramref name="cs"/>) into
    /// ⌈mc/MR⌉ strips of kc × MR, MR = <c>TSimd.Rows</c>. The two layouts that matter are vectorised: row-major A
    /// (a transpose of MR × 8 blocks in registers) and transposed A (one contiguous run of MR values per k).
    /// </summary>
    public static void PackA<T, TVec, TSimd>(int mc, int kc, T* a, nint rs, nint cs, T* destination)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int mr = TSimd.Rows;
        for (int i0 = 0; i0 < mc; i0 += mr, destination += kc * mr)
        {
            int rows = Math.Min(mr, mc - i0);
            T* source = a + i0 * rs;
            if (rows == mr && cs == 1)
            {
                if (!GemmPackingAvx.TryPackRowMajorStrip(kc, mr, source, rs, destination))
                {
                    PackRowMajorStrip(kc, mr, source, rs, destination);
                }
            }
            else if (rows == mr && rs == 1)
            {
                PackContiguousStrip(kc, mr, source, cs, destination);
            }
            else if (cs == 1 && GemmPackingAvx.HasTranspose<T>(mr))
            {
                // M's last strip: its rows and MR − rows zero rows, side by side, go through the same transpose. The copy
                // is cheaper than the scalar gather, which cost about 5% of a 64³ product in A/B runs.
                T* padded = ZeroPaddedRows(kc, rows, mr, source, rs);
                GemmPackingAvx.TryPackRowMajorStrip(kc, mr, padded, kc, destination);
            }
            else
            {
                T* d = destination;
                for (int p = 0; p < kc; p++, d += mr)
                {
                    int i = 0;
                    for (; i < rows; i++)
                    {
                        d[i] = source[i * rs + p * cs];
                    }
                    for (; i < mr; i++)
                    {
                        d[i] = default;
                    }
                }
            }
        }
    }

    /// <summary>
    /// d[p·mr + i] = s[p·cs + i]: A's columns are contiguous (A is a transposed view, as in Xᵀ·G), so each k's part of
    /// the strip is one run of <paramref name="mr"/> values, copied as whole vectors (24, 48 or 96 bytes).
    /// </summary>
    internal static void PackContiguousStrip<T>(int kc, int mr, T* s, nint cs, T* d)
        where T : unmanaged
    {
        int bytes = mr * sizeof(T);
        if (bytes == 24)
        {
            for (int p = 0; p < kc; p++, s += cs, d += mr)
            {
                Vector128.Store(Vector128.Load((byte*)s), (byte*)d);
                *(ulong*)((byte*)d + 16) = *(ulong*)((byte*)s + 16);
            }
        }
        else if (bytes == 48)
        {
            for (int p = 0; p < kc; p++, s += cs, d += mr)
            {
                Vector256.Store(Vector256.Load((byte*)s), (byte*)d);
                Vector128.Store(Vector128.Load((byte*)s + 32), (byte*)d + 32);
            }
        }
        else if (bytes == 96)
        {
            for (int p = 0; p < kc; p++, s += cs, d += mr)
            {
                Vector256.Store(Vector256.Load((byte*)s), (byte*)d);
                Vector256.Store(Vector256.Load((byte*)s + 32), (byte*)d + 32);
                Vector256.Store(Vector256.Load((byte*)s + 64), (byte*)d + 64);
            }
        }
        else
        {
            for (int p = 0; p < kc; p++, s += cs, d += mr)
            {
                new ReadOnlySpan<T>(s, mr).CopyTo(new Span<T>(d, mr));
            }
        }
    }

    /// <summary>
    /// Copies <paramref name="count"/> contiguous runs of <paramref name="kc"/> values (run i at
    /// <paramref name="source"/> + i·<paramref name="stride"/>) into a scratch block of <paramref name="total"/> runs
    /// with stride kc, the rest zero, so a partial strip can be packed by the full strip's vector code.
    /// </summary>
    private static T* ZeroPaddedRows<T>(int kc, int count, int total, T* source, nint stride)
        where T : unmanaged
    {
        T* scratch = GemmBuffers<T>.Edge(total * kc);
        for (int i = 0; i < count; i++)
        {
            new ReadOnlySpan<T>(source + i * stride, kc).CopyTo(new Span<T>(scratch + i * kc, kc));
        }
        new Span<T>(scratch + count * kc, (total - count) * kc).Clear();
        return scratch;
    }

    /// <summary>The scalar packing of MR row-major rows, where no vector transpose applies.</summary>
    private static void PackRowMajorStrip<T>(int kc, int mr, T* source, nint rs, T* d)
        where T : unmanaged
    {
        for (int p = 0; p < kc; p++, d += mr)
        {
            for (int i = 0; i < mr; i++)
            {
                d[i] = source[i * rs + p];
            }
        }
    }

    /// <summary>
    /// Packs the kc × nc block at <paramref name="b"/> (strides <paramref name="rs"/>, <paramref name="cs"/>) into
    /// ⌈nc/NR⌉ strips of kc × NR, NR = 2 vectors, the last one kc × 1 vector when at most one vector of columns is left.
    /// </summary>
    public static void PackB<T, TVec, TSimd>(int kc, int nc, T* b, nint rs, nint cs, T* destination)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int w = TSimd.Count;
        int nr = 2 * w;
        bool avxFloat = typeof(T) == typeof(float) && System.Runtime.Intrinsics.X86.Avx.IsSupported && w % 4 == 0;
        int first = 0;
        if (cs == 1 && nc >= 2 * nr)
        {
            // Row-major B, several full strips: copy along B's rows, each row's pieces to their strips, so that B is
            // read front to back. Strip by strip, each row of a strip is one 64- or 128-byte piece a whole row stride
            // (often kilobytes) after the last, a pattern the prefetchers barely follow.
            first = nc / nr * nr;
            for (int p = 0; p < kc; p++)
            {
                T* s = b + p * rs;
                T* d = destination + p * nr;
                for (int j = 0; j < first; j += nr, s += nr, d += (nint)kc * nr)
                {
                    TSimd.Store(TSimd.Load(s), d);
                    TSimd.Store(TSimd.Load(s + w), d + w);
                }
            }
            destination += (nint)kc * first;
        }
        for (int j0 = first; j0 < nc; j0 += nr, destination += kc * nr)
        {
            int cols = Math.Min(nr, nc - j0);
            // The last strip is one vector wide when that holds its columns: the narrow micro-kernels then do half the
            // work of a two-vector tile that is mostly padding.
            int width = cols <= w ? w : nr;
            T* source = b + j0 * cs;
            T* d = destination;
            if (cols == width && cs == 1)
            {
                for (int p = 0; p < kc; p++, d += width)
                {
                    T* s = source + p * rs;
                    TSimd.Store(TSimd.Load(s), d);
                    if (width == nr)
                    {
                        TSimd.Store(TSimd.Load(s + w), d + w);
                    }
                }
            }
            else if (rs == 1 && avxFloat && width % 8 == 0)
            {
                // B is a transposed view (x·Wᵀ): 8 × 8 transposes. A partial strip (an output width that is not a
                // multiple of the strip, such as a 10-class head) goes through them with zero columns added.
                if (cols < width)
                {
                    source = ZeroPaddedRows(kc, cols, width, source, cs);
                }
                GemmPackingAvx.PackTransposedB(kc, width, (float*)source, cols < width ? kc : cs, (float*)d);
            }
            else if (rs == 1)
            {
                // Rows of B are contiguous (B is a transposed view, as in G·Bᵀ): walk each column down k.
                for (int j = 0; j < cols; j++)
                {
                    T* s = source + j * cs;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * width + j] = s[p];
                    }
                }
                ZeroColumns(kc, cols, width, d);
            }
            else if (cs == 1)
            {
                for (int p = 0; p < kc; p++)
                {
                    new ReadOnlySpan<T>(source + p * rs, cols).CopyTo(new Span<T>(d + p * width, cols));
                }
                ZeroColumns(kc, cols, width, d);
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    T* s = source + p * rs;
                    for (int j = 0; j < cols; j++)
                    {
                        d[p * width + j] = s[j * cs];
                    }
                }
                ZeroColumns(kc, cols, width, d);
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
