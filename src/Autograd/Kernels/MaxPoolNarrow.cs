using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MiniTorch.Kernels;

/// <summary>
/// 2×2 stride-2 max pooling of float planes 4 or 8 wide and of even height (the small CNNs' 8×8 → 4×4 and 4×4 → 2×2):
/// such planes have only 2 or 4 outputs a row, too few for <see cref="MaxPoolInside"/>'s eight-window rows, and are
/// so small that per-plane work dominated. Here the planes of a range are one run of row pairs (an even height makes
/// every input row pair belong to one output row), and eight outputs, from 2 or 4 consecutive row pairs, are computed
/// at once, across plane boundaries. The taps are visited in <see cref="PoolKernel.MaxForwardPlane"/>'s order with
/// its rule (strictly greater replaces, so the first of equal maxima wins; a NaN replaces anything), so values and
/// indices are identical. The index may be omitted when nothing will read it (no backward, no forward AD).
/// </summary>
internal static class MaxPoolNarrow
{
    /// <summary>Whether <paramref name="g"/> is a float pool this kernel computes (AVX2 needed).</summary>
    public static bool Applies(MaxPoolGeometry g) =>
        Avx2.IsSupported
        && g is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1, PadH: 0, PadW: 0 }
        && (g.W == 4 || g.W == 8) && g.W == 2 * g.OutW && g.H == 2 * g.OutH && g.OutH > 0;

    /// <summary>
    /// y and (if not null) index of planes [<paramref name="firstPlane"/>, <paramref name="endPlane"/>) (see
    /// <see cref="PoolKernel.MaxForward"/>); <see cref="Applies"/> must hold.
    /// </summary>
    public static void Forward(float[] x, int xOffset, float[] y, int[]? index, MaxPoolGeometry g, int firstPlane, int endPlane)
    {
        int outW = g.OutW, width = g.W, outH = g.OutH;
        int planeIn = g.H * width, planeOut = outH * outW;
        long need = (long)endPlane * planeIn + xOffset;
        if (firstPlane < 0 || endPlane < firstPlane || need > x.Length || (long)endPlane * planeOut > y.Length
            || (index is not null && (long)endPlane * planeOut > index.Length))
        {
            throw new ArgumentException("MaxPool2d: a buffer is shorter than its geometry.");
        }
        // Bounds checked above: every read below lies in x[xOffset + firstPlane·planeIn, xOffset + endPlane·planeIn).
        ref float x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), xOffset + firstPlane * planeIn);
        ref float y0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(y), firstPlane * planeOut);
        ref int i0 = ref index is null ? ref Unsafe.NullRef<int>() : ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(index), firstPlane * planeOut);
        int rowPairs = (endPlane - firstPlane) * outH;
        int group = 8 / outW;
        // Each lane's output row within the group and its column's top-left tap; the row within the plane (the
        // index's row) wraps at outH, which a group may cross when outH < group.
        Span<int> rows = stackalloc int[8];
        Span<int> columns = stackalloc int[8];
        for (int lane = 0; lane < 8; lane++)
        {
            rows[lane] = lane / outW % outH;
            columns[lane] = 2 * (lane % outW);
        }
        var row = Vector256.Create<int>(rows);
        var column = Vector256.Create<int>(columns);
        var step = Vector256.Create(group % outH);
        var wrap = Vector256.Create(outH);
        var rowStride = Vector256.Create(2 * width);
        var spread = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        var one = Vector256<int>.One;
        var down = Vector256.Create(width);
        var downRight = Vector256.Create(width + 1);
        int q = 0;
        for (; q + group <= rowPairs; q += group)
        {
            // 32 input floats, the 2 or 4 row pairs of the group's eight outputs.
            ref float at = ref Unsafe.Add(ref x0, q * 2 * width);
            var v0 = Vector256.LoadUnsafe(ref at);
            var v1 = Vector256.LoadUnsafe(ref at, 8);
            var v2 = Vector256.LoadUnsafe(ref at, 16);
            var v3 = Vector256.LoadUnsafe(ref at, 24);
            Vector256<float> topA, topB, bottomA, bottomB;
            if (width == 8)
            {
                (topA, bottomA, topB, bottomB) = (v0, v1, v2, v3);
            }
            else
            {
                // Each vector is one row pair, top row then bottom row: gather the tops and the bottoms of two pairs.
                (topA, bottomA) = (Avx.Permute2x128(v0, v1, 0x20), Avx.Permute2x128(v0, v1, 0x31));
                (topB, bottomB) = (Avx.Permute2x128(v2, v3, 0x20), Avx.Permute2x128(v2, v3, 0x31));
            }
            var (topLeft, topRight) = EvenOdd(topA, topB, spread);
            var (bottomLeft, bottomRight) = EvenOdd(bottomA, bottomB, spread);
            var max = topLeft;
            var take = Vector256.GreaterThan(topRight, max) | ~Vector256.Equals(topRight, topRight);
            max = Vector256.ConditionalSelect(take, topRight, max);
            var take2 = Vector256.GreaterThan(bottomLeft, max) | ~Vector256.Equals(bottomLeft, bottomLeft);
            max = Vector256.ConditionalSelect(take2, bottomLeft, max);
            var take3 = Vector256.GreaterThan(bottomRight, max) | ~Vector256.Equals(bottomRight, bottomRight);
            max = Vector256.ConditionalSelect(take3, bottomRight, max);
            int o = q * outW;
            max.StoreUnsafe(ref y0, (nuint)o);
            if (index is not null)
            {
                var origin = row * rowStride + column;
                var best = Vector256.ConditionalSelect(take.AsInt32(), origin + one, origin);
                best = Vector256.ConditionalSelect(take2.AsInt32(), origin + down, best);
                best = Vector256.ConditionalSelect(take3.AsInt32(), origin + downRight, best);
                best.StoreUnsafe(ref i0, (nuint)o);
                row += step;
                row -= Vector256.GreaterThanOrEqual(row, wrap) & wrap;
            }
        }
        for (; q < rowPairs; q++)
        {
            int rowStart = q * 2 * width, local = q % outH * 2 * width;
            for (int ow = 0; ow < outW; ow++)
            {
                int start = rowStart + 2 * ow;
                int best = 0;
                float max = Unsafe.Add(ref x0, start);
                Take(ref x0, start, 1, ref max, ref best);
                Take(ref x0, start, width, ref max, ref best);
                Take(ref x0, start, width + 1, ref max, ref best);
                int o = q * outW + ow;
                Unsafe.Add(ref y0, o) = max;
                if (index is not null)
                {
                    Unsafe.Add(ref i0, o) = local + 2 * ow + best;
                }
            }
        }
    }

    private static (Vector256<float> Even, Vector256<float> Odd) EvenOdd(Vector256<float> a, Vector256<float> b, Vector256<int> spread)
    {
        a = Avx2.PermuteVar8x32(a, spread);
        b = Avx2.PermuteVar8x32(b, spread);
        return (Avx.Permute2x128(a, b, 0x20), Avx.Permute2x128(a, b, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(ref float x0, int start, int tap, ref float max, ref int best)
    {
        float v = Unsafe.Add(ref x0, start + tap);
        if (v > max || float.IsNaN(v))
        {
            max = v;
            best = tap;
        }
    }
}
