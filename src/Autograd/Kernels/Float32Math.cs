using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MiniTorch.Kernels;

/// <summary>
/// float32-native exp and tanh: range reduction and a minimax polynomial in float32 vectors (SLEEF's approach, which
/// is what PyTorch's CPU kernels use), instead of <c>TensorPrimitives.Exp</c> (about half SLEEF's speed per core) and
/// a tanh evaluated in float64. Every element, the head and tail included, goes through the same vector code, so a
/// result does not depend on where a split over threads or an alignment boundary falls. Accuracy (checked by a sweep
/// against float64 in the tests): exp within 1 ulp, tanh within 2 ulp, over all of float32.
/// </summary>
/// <remarks>
/// On large outputs the loop is bound by memory as much as by arithmetic, and without help the two add up instead of
/// overlapping (4M elements on one core: 0.25 ns per element in cache, 0.8 streaming). Hence the aligned,
/// non-temporal stores and the software prefetch of <see cref="Map{TS, TV, TOp}"/>.
/// </remarks>
internal static class Float32Math
{
    public static void Exp(ReadOnlySpan<float> x, Span<float> y)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Map<Float32Simd512, Vector512<float>, ExpOp>(x, y);
        }
        else
        {
            Map<Float32Simd256, Vector256<float>, ExpOp>(x, y);
        }
    }

    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Map<Float32Simd512, Vector512<float>, TanhOp>(x, y);
        }
        else
        {
            Map<Float32Simd256, Vector256<float>, TanhOp>(x, y);
        }
    }

    /// <summary>
    /// eˣ of one vector with the arithmetic of <see cref="Exp(ReadOnlySpan{float}, Span{float})"/> at that width (it
    /// takes Vector512 where accelerated), for fused kernels that must match it bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TS, TV>(TV x) where TS : IFloat32Simd<TV> where TV : struct => ExpCore<TS, TV>(x);

    /// <summary>eˣ of one element through the vector code the span form uses on this machine (as its padded head and tail).</summary>
    public static float Exp(float x) =>
        Vector512.IsHardwareAccelerated
            ? ExpCore<Float32Simd512, Vector512<float>>(Vector512.CreateScalar(x)).ToScalar()
            : ExpCore<Float32Simd256, Vector256<float>>(Vector256.CreateScalar(x)).ToScalar();

    private interface IVectorOp
    {
        static abstract TV Apply<TS, TV>(TV x) where TS : IFloat32Simd<TV> where TV : struct;
    }

    private readonly struct ExpOp : IVectorOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x) where TS : IFloat32Simd<TV> where TV : struct => ExpCore<TS, TV>(x);
    }

    private readonly struct TanhOp : IVectorOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x) where TS : IFloat32Simd<TV> where TV : struct => TanhCore<TS, TV>(x);
    }

    /// <summary>
    /// Above this many bytes of output the stores bypass the caches, as <c>TensorPrimitives</c> does (its threshold,
    /// about a core's share of the last-level cache): the output would not stay cached anyway, and a cached store
    /// first reads the line it overwrites, a third memory stream beside the input and the output.
    /// </summary>
    private const int NonTemporalByteThreshold = 256 * 1024;

    /// <summary>
    /// How far ahead (in elements: 8 KB) the large-output loop prefetches its input. The hardware prefetcher alone
    /// leaves the loads waiting on memory while the arithmetic of the vectors before them runs: with the prefetch, 4M
    /// elements took 0.52–0.6 of the time on one core (in-process A/B, machine under load), 1 KB ahead about 0.65.
    /// </summary>
    private const int PrefetchDistance = 2048;

    /// <summary>From this many bytes on, the main loop starts at a vector-aligned output address (see <see cref="Map"/>).</summary>
    private const int AlignMinBytes = 16 * 1024;

    private static unsafe void Map<TS, TV, TOp>(ReadOnlySpan<float> x, Span<float> y)
        where TS : IFloat32Simd<TV>
        where TV : struct
        where TOp : IVectorOp
    {
        int w = TS.Count;
        fixed (float* px = x)
        fixed (float* py = y)
        {
            // The main loop stores to vector-aligned addresses: .NET arrays are only 8-byte aligned, and a store that
            // straddles two cache lines costs about two (every store of a 64-byte vector, on an unaligned array). The
            // elements before the first aligned address go through the padded path, as the tail does.
            // Short spans (softmax's rows, called once per row) skip it: the padded head costs more than the split
            // stores it saves when the row sits in L1 (a [64,512,256] softmax took 1.4x as long with it).
            nuint vectorBytes = (nuint)(w * sizeof(float));
            int head = (long)x.Length * sizeof(float) < AlignMinBytes ? 0
                : (int)((vectorBytes - ((nuint)py & (vectorBytes - 1))) & (vectorBytes - 1)) / sizeof(float);
            head = Math.Min(head, x.Length);
            if (head > 0)
            {
                Padded<TS, TV, TOp>(x[..head], y[..head]);
            }
            int vectors = (x.Length - head) / w;
            // In place (softmax's rows) the next pass reads y again: keep it in the caches.
            if ((long)(x.Length - head) * sizeof(float) > NonTemporalByteThreshold && Sse.IsSupported && !x.Overlaps(y))
            {
                StreamLoop<TS, TV, TOp>(px + head, py + head, vectors);
            }
            else
            {
                CachedLoop<TS, TV, TOp>(px + head, py + head, vectors);
            }
            int i = head + vectors * w;
            if (i < x.Length)
            {
                Padded<TS, TV, TOp>(x[i..], y[i..]);
            }
        }
    }

    // The loops are separate methods on raw pointers (the caller has pinned both arrays): inside Map the JIT kept the
    // index and the pinned pointer on the stack, a store and two loads per vector. AggressiveOptimization: a loop
    // this hot should not start in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void CachedLoop<TS, TV, TOp>(float* x, float* y, int vectors)
        where TS : IFloat32Simd<TV>
        where TV : struct
        where TOp : IVectorOp
    {
        nuint w = (nuint)TS.Count;
        nuint end = (nuint)vectors * w;
        for (nuint i = 0; i < end; i += w)
        {
            TS.Store(TOp.Apply<TS, TV>(TS.Load(ref *x, i)), ref *y, i);
        }
    }

    /// <summary>Vectors to an aligned <paramref name="y"/> with non-temporal stores, prefetching x ahead.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void StreamLoop<TS, TV, TOp>(float* x, float* y, int vectors)
        where TS : IFloat32Simd<TV>
        where TV : struct
        where TOp : IVectorOp
    {
        nuint w = (nuint)TS.Count;
        nuint end = (nuint)vectors * w;
        for (nuint i = 0; i < end; i += w)
        {
            Sse.Prefetch0(x + i + PrefetchDistance);
            TS.StoreNonTemporal(TOp.Apply<TS, TV>(TS.Load(ref *x, i)), y + i);
        }
        // Non-temporal stores are weakly ordered: fence them before the caller hands the output on.
        Sse.StoreFence();
    }

    /// <summary>Fewer elements than a vector through the same vector code, padded, so every element gets the same arithmetic.</summary>
    private static void Padded<TS, TV, TOp>(ReadOnlySpan<float> x, Span<float> y)
        where TS : IFloat32Simd<TV>
        where TV : struct
        where TOp : IVectorOp
    {
        Span<float> pad = stackalloc float[16];
        pad.Clear();
        x.CopyTo(pad);
        ref float padRef = ref MemoryMarshal.GetReference(pad);
        TS.Store(TOp.Apply<TS, TV>(TS.Load(ref padRef, 0)), ref padRef, 0);
        pad[..x.Length].CopyTo(y);
    }

    /// <summary>
    /// eˣ = 2^q · e^s with q = round(x/ln 2) and s = x − q·ln 2 (ln 2 in two parts, so s is exact), e^s by SLEEF's
    /// degree-7 polynomial for <c>expf_u10</c>, and 2^q applied in two halves so that results down to the smallest
    /// subnormal and up to overflow round once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpCore<TS, TV>(TV x) where TS : IFloat32Simd<TV> where TV : struct
    {
        if (TS.AllAbsAtMost(x, 86.5f))
        {
            // Every result is a normal float: 2^q goes straight into the exponent field (the same bits as below).
            var (shifted, _, em1) = ExpReduced<TS, TV>(x);
            return TS.ScaleByShiftedExponent(TS.Add(em1, TS.Create(1f)), shifted);
        }
        // Below −104 the result is 0 and above 104 it is ∞ in float32; clamping keeps q's conversion in range.
        var d = TS.Min(TS.Max(x, TS.Create(-104f)), TS.Create(104f));
        var (_, q, m) = ExpReduced<TS, TV>(d);
        var half = TS.Floor(TS.Multiply(q, TS.Create(0.5f)));
        var u = TS.Multiply(TS.Multiply(TS.Add(m, TS.Create(1f)), TS.Pow2(half)), TS.Pow2(TS.Subtract(q, half)));
        u = TS.SelectLess(x, TS.Create(-104f), TS.Create(0f), u);
        u = TS.SelectLess(TS.Create(104f), x, TS.Create(float.PositiveInfinity), u);
        return TS.KeepNaN(x, u);
    }

    /// <summary>
    /// The reduction eˣ = 2^q·e^s for |x| ≤ 104: q = round(x/ln 2) as a float, <c>Shifted</c> = q + 1.5·2²³ (whose low
    /// mantissa bits hold q as an integer: one FMA rounds and converts at once, where a round and a conversion
    /// instruction would cost three), and <c>ExpM1</c> = e^s − 1 for s = x − q·ln 2, |s| ≤ ln 2 / 2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TV Shifted, TV Q, TV ExpM1) ExpReduced<TS, TV>(TV x) where TS : IFloat32Simd<TV> where TV : struct
    {
        var shifter = TS.Create(Shifter);
        var shifted = TS.MultiplyAdd(x, TS.Create(Log2E), shifter);
        var q = TS.Subtract(shifted, shifter);
        var s = TS.MultiplyAdd(q, TS.Create(NegLn2Hi), x);
        s = TS.MultiplyAdd(q, TS.Create(NegLn2Lo), s);
        var u = TS.Create(E5);
        u = TS.MultiplyAdd(u, s, TS.Create(E4));
        u = TS.MultiplyAdd(u, s, TS.Create(E3));
        u = TS.MultiplyAdd(u, s, TS.Create(E2));
        u = TS.MultiplyAdd(u, s, TS.Create(E1));
        u = TS.MultiplyAdd(u, s, TS.Create(0.5f));
        return (shifted, q, TS.MultiplyAdd(TS.Multiply(s, s), u, s));
    }

    // ExpReduced's constants, which TanhCore also uses at half scale.
    private const float Shifter = 12582912f; // 1.5·2²³: adding it rounds to an integer, and keeps q in the low bits
    private const float Log2E = 1.442695040888963407f;
    private const float NegLn2Hi = -0.693145751953125f; // −ln 2 = NegLn2Hi + NegLn2Lo, the first exact in q·NegLn2Hi
    private const float NegLn2Lo = -1.428606765330187045e-06f;
    private const float E5 = 0.000198527617612853646278381f, E4 = 0.00139304355252534151077271f, E3 = 0.00833336077630519866943359f,
        E2 = 0.0416664853692054748535156f, E1 = 0.166666671633720397949219f;

    /// <summary>
    /// tanh |x| = d / (d + 2) with d = e^{2|x|} − 1, one formula for every |x|: d = 2^q·(e^s − 1) + (2^q − 1) with one
    /// rounding (an FMA; 2^q − 1 is exact), so d keeps its relative precision down to 0 (q = 0 there and d = e^s − 1,
    /// the polynomial without its leading 1) and no separate small-|x| polynomial is needed. The sign is copied from
    /// x, so tanh(−0) = −0.
    /// </summary>
    /// <remarks>
    /// The loop is bound by its instruction count (the divide overlaps the rest), so everything is carried at half
    /// scale, which costs nothing: with h = |x| the reduction gives s/2 and the polynomial's coefficients are scaled by
    /// powers of two, so that the result is d/2 and t = (d/2) / (d/2 + 1) — exactly the bits of the full-scale
    /// formula (scaling by 2 is exact, in every step, away from underflow, where the terms it would touch are far below
    /// the rounding of the result) without the doubling of |x|. NaN needs no select: the clamp keeps a NaN
    /// (<c>vminps</c> returns its second operand when either is NaN), and it propagates to the result (quieted, with
    /// x's sign).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV TanhCore<TS, TV>(TV x) where TS : IFloat32Simd<TV> where TV : struct
    {
        // tanh rounds to 1 in float32 once |x| > 9.01; the clamp keeps d finite.
        var h = TS.Min(TS.Create(20f), TS.Abs(x));
        var shifter = TS.Create(Shifter);
        var shifted = TS.MultiplyAdd(h, TS.Create(2 * Log2E), shifter);
        var q = TS.Subtract(shifted, shifter);
        // t = s/2 = h − q·ln 2 / 2, exact as in ExpReduced; the coefficients are ExpReduced's times 2^(k+1).
        var t = TS.MultiplyAdd(q, TS.Create(NegLn2Hi / 2), h);
        t = TS.MultiplyAdd(q, TS.Create(NegLn2Lo / 2), t);
        var v = TS.Create(E5 * 64);
        v = TS.MultiplyAdd(v, t, TS.Create(E4 * 32));
        v = TS.MultiplyAdd(v, t, TS.Create(E3 * 16));
        v = TS.MultiplyAdd(v, t, TS.Create(E2 * 8));
        v = TS.MultiplyAdd(v, t, TS.Create(E1 * 4));
        v = TS.MultiplyAdd(v, t, TS.Create(1f));
        var halfEm1 = TS.MultiplyAdd(TS.Multiply(t, t), v, t); // (e^s − 1) / 2
        var pow2 = TS.ScaleByPowerOfTwo(TS.Create(1f), q, shifted);
        var halfD = TS.MultiplyAdd(pow2, halfEm1, TS.MultiplyAdd(pow2, TS.Create(0.5f), TS.Create(-0.5f)));
        return TS.CopySign(TS.Divide(halfD, TS.Add(halfD, TS.Create(1f))), x);
    }
}
