using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MiniTorch.Kernels;

/// <summary>
/// Max pooling of one plane when every window lies inside the input (no padding, and the last window ends within the
/// plane: every pool without padding or ceil mode, such as the CNNs' 2×2 stride 2): no bounds test per tap, and the
/// 2×2 window unrolled. The taps are visited in the same order with the same rule as
/// <see cref="PoolKernel.MaxForwardPlane"/> (strictly greater replaces, so the first of equal maxima wins; a NaN
/// replaces anything), so the values and indices are identical.
/// </summary>
internal static class MaxPoolInside
{
    /// <summary>Whether every window of <paramref name="g"/> lies inside the input.</summary>
    public static bool Applies(MaxPoolGeometry g) =>
        g.PadH == 0 && g.PadW == 0 && g.OutH > 0 && g.OutW > 0
        && (long)(g.OutH - 1) * g.StrideH + (long)(g.KernelH - 1) * g.DilationH < g.H
        && (long)(g.OutW - 1) * g.StrideW + (long)(g.KernelW - 1) * g.DilationW < g.W;

    /// <summary>y and index of one plane (see <see cref="PoolKernel.MaxForward"/>); <see cref="Applies"/> must hold.</summary>
    public static void ForwardPlane<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> index, MaxPoolGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Applies() bounds every tap inside x, and y and index hold OutH·OutW elements: the unchecked reads stay inside.
        if (x.Length < g.H * g.W || y.Length < g.OutH * g.OutW || index.Length < g.OutH * g.OutW)
        {
            throw new ArgumentException("MaxPool2d: a plane buffer is shorter than its geometry.");
        }
        ref T x0 = ref MemoryMarshal.GetReference(x);
        ref T y0 = ref MemoryMarshal.GetReference(y);
        ref int i0 = ref MemoryMarshal.GetReference(index);
        bool twoByTwo = g is { KernelH: 2, KernelW: 2, DilationH: 1, DilationW: 1 };
        bool vector = twoByTwo && g.StrideW == 2 && typeof(T) == typeof(float) && Avx2.IsSupported;
        for (int oh = 0; oh < g.OutH; oh++)
        {
            int rowStart = oh * g.StrideH * g.W;
            int o = oh * g.OutW;
            int ow = vector ? TwoByTwoFloat(ref Unsafe.As<T, float>(ref x0), ref Unsafe.As<T, float>(ref y0), ref i0, rowStart, g.W, o, g.OutW) : 0;
            for (o += ow; ow < g.OutW; ow++, o++)
            {
                int start = rowStart + ow * g.StrideW;
                int best = start;
                T max = Unsafe.Add(ref x0, start);
                if (twoByTwo)
                {
                    Take(ref x0, start + 1, ref max, ref best);
                    Take(ref x0, start + g.W, ref max, ref best);
                    Take(ref x0, start + g.W + 1, ref max, ref best);
                }
                else
                {
                    for (int i = 0; i < g.KernelH; i++)
                    {
                        int tapRow = start + i * g.DilationH * g.W;
                        for (int j = i == 0 ? 1 : 0; j < g.KernelW; j++)
                        {
                            Take(ref x0, tapRow + j * g.DilationW, ref max, ref best);
                        }
                    }
                }
                Unsafe.Add(ref y0, o) = max;
                Unsafe.Add(ref i0, o) = best;
            }
        }
    }

    /// <summary>
    /// Eight 2×2 stride-2 windows at a time, branch-free (on random data the scalar compare mispredicts about half the
    /// time): the two input rows are split into even and odd columns, and each tap replaces the running maximum and
    /// index where it is greater or NaN, in the scalar order. Returns how many outputs of the row it wrote.
    /// </summary>
    private static int TwoByTwoFloat(ref float x0, ref float y0, ref int i0, int rowStart, int width, int o, int outW)
    {
        var spread = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        var lanes = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        int ow = 0;
        for (; ow + 8 <= outW; ow += 8)
        {
            int start = rowStart + 2 * ow;
            var (top0, top1) = EvenOdd(ref Unsafe.Add(ref x0, start), spread);
            var (bottom0, bottom1) = EvenOdd(ref Unsafe.Add(ref x0, start + width), spread);
            var max = top0;
            var origin = Vector256.Create(start) + lanes;
            var best = origin;
            TakeVector(top1, origin + Vector256<int>.One, ref max, ref best);
            TakeVector(bottom0, origin + Vector256.Create(width), ref max, ref best);
            TakeVector(bottom1, origin + Vector256.Create(width + 1), ref max, ref best);
            max.StoreUnsafe(ref y0, (nuint)(o + ow));
            best.StoreUnsafe(ref i0, (nuint)(o + ow));
        }
        return ow;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TakeVector(Vector256<float> v, Vector256<int> at, ref Vector256<float> max, ref Vector256<int> best)
    {
        var take = Vector256.GreaterThan(v, max) | ~Vector256.Equals(v, v);
        max = Vector256.ConditionalSelect(take, v, max);
        best = Vector256.ConditionalSelect(take.AsInt32(), at, best);
    }

    private static (Vector256<float> Even, Vector256<float> Odd) EvenOdd(ref float row, Vector256<int> spread)
    {
        var a = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref row), spread);
        var b = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref row, 8), spread);
        return (Avx.Permute2x128(a, b, 0x20), Avx.Permute2x128(a, b, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take<T>(ref T x0, int at, ref T max, ref int best)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T v = Unsafe.Add(ref x0, at);
        if (v > max || T.IsNaN(v))
        {
            max = v;
            best = at;
        }
    }
}
