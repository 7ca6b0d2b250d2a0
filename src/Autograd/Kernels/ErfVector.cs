using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// <see cref="ErfOp.Erf"/> over spans of float64, eight (AVX-512) or four (AVX2) lanes at a time, bit-identical to the
/// scalar function: the two rational fits of |x| &lt; 1.25 (where nearly all of GELU's inputs lie) are evaluated with
/// the same operations in the same order in vector lanes (no fused multiply-add, which the scalar code does not use
/// either), and the rare lanes of |x| ≥ 1.25 or NaN, whose erfc form needs <see cref="Math.Exp"/>, are redone by the
/// scalar function. Each region is computed only when some lane of the vector is in it.
/// </summary>
internal static class ErfVector
{
    /// <summary>y[i] = erf(x[i]) in float64.</summary>
    public static void Erf(ReadOnlySpan<double> x, Span<double> y)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Run<DoubleSimd512, Vector512<double>>(x, y);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Run<DoubleSimd256, Vector256<double>>(x, y);
        }
        else
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = ErfOp.Erf(x[i]);
            }
        }
    }

    /// <summary>y[i] = (float)erf((double)x[i]): the float32 form of <see cref="ErfOp"/>, widened and rounded once.</summary>
    public static void Erf(ReadOnlySpan<float> x, Span<float> y)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            ErfFloat32.Erf(x, y);
            return;
        }
        ErfWidened(x, y);
    }

    /// <summary>The float32 erf through the float64 vector form: widen a block, take its erf, round it.</summary>
    [SkipLocalsInit]
    internal static void ErfWidened(ReadOnlySpan<float> x, Span<float> y)
    {
        const int Block = 256;
        Span<double> wide = stackalloc double[Block];
        for (int start = 0; start < x.Length; start += Block)
        {
            int n = Math.Min(Block, x.Length - start);
            var w = wide[..n];
            Widen(x.Slice(start, n), w);
            Erf(w, w);
            Narrow(w, y.Slice(start, n));
        }
    }

    private static void Widen(ReadOnlySpan<float> x, Span<double> y)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xRef = ref MemoryMarshal.GetReference(x);
            ref double yRef = ref MemoryMarshal.GetReference(y);
            for (; i <= x.Length - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref xRef, (nuint)i);
                Vector256.WidenLower(v).StoreUnsafe(ref yRef, (nuint)i);
                Vector256.WidenUpper(v).StoreUnsafe(ref yRef, (nuint)i + 4);
            }
        }
        for (; i < x.Length; i++)
        {
            y[i] = x[i];
        }
    }

    // Rounds to nearest (vcvtpd2ps under the default rounding mode), as the scalar (float) cast.
    private static void Narrow(ReadOnlySpan<double> x, Span<float> y)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double xRef = ref MemoryMarshal.GetReference(x);
            ref float yRef = ref MemoryMarshal.GetReference(y);
            for (; i <= x.Length - 8; i += 8)
            {
                Vector256.Narrow(Vector256.LoadUnsafe(ref xRef, (nuint)i), Vector256.LoadUnsafe(ref xRef, (nuint)i + 4)).StoreUnsafe(ref yRef, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            y[i] = (float)x[i];
        }
    }

    internal static void Run<TS, TV>(ReadOnlySpan<double> x, Span<double> y) where TS : IDoubleSimd<TV> where TV : struct
    {
        ref double xRef = ref MemoryMarshal.GetReference(x);
        ref double yRef = ref MemoryMarshal.GetReference(y);
        int w = TS.Count;
        int i = 0;
        for (; i <= x.Length - w; i += w)
        {
            Block<TS, TV>(ref xRef, ref yRef, i, w);
        }
        if (i < x.Length)
        {
            // The tail through the same vector code, zero-padded.
            Span<double> pad = stackalloc double[8];
            pad.Clear();
            x[i..].CopyTo(pad);
            ref double padRef = ref MemoryMarshal.GetReference(pad);
            Block<TS, TV>(ref padRef, ref padRef, 0, w);
            pad[..(x.Length - i)].CopyTo(y[i..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Block<TS, TV>(ref double xRef, ref double yRef, int i, int w) where TS : IDoubleSimd<TV> where TV : struct
    {
        uint all = (1u << w) - 1;
        var x = TS.Load(ref xRef, (nuint)i);
        var ax = TS.Abs(x);
        uint inFits = TS.LessMask(ax, TS.Create(1.25));
        uint small = TS.LessMask(ax, TS.Create(0.84375));
        TV result = default;
        if (small != 0)
        {
            // [0, 0.84375): x + x·P(x²)/Q(x²); below 2⁻²⁸, x + Efx·x.
            var z = TS.Multiply(x, x);
            var r = Step<TS, TV>(z, Step<TS, TV>(z, Step<TS, TV>(z, Step<TS, TV>(z, TS.Create(ErfOp.Pp4), ErfOp.Pp3), ErfOp.Pp2), ErfOp.Pp1), ErfOp.Pp0);
            var s = Step<TS, TV>(z, Step<TS, TV>(z, Step<TS, TV>(z, Step<TS, TV>(z, Step<TS, TV>(z, TS.Create(ErfOp.Qq5), ErfOp.Qq4), ErfOp.Qq3), ErfOp.Qq2), ErfOp.Qq1), 1);
            var series = TS.Add(x, TS.Multiply(x, TS.Divide(r, s)));
            var tiny = TS.Add(x, TS.Multiply(TS.Create(ErfOp.Efx), x));
            result = TS.Select(TS.Less(ax, TS.Create(3.7252902984e-09)), tiny, series);
        }
        if ((inFits & ~small) != 0)
        {
            // [0.84375, 1.25): ±(Erx + P(s)/Q(s)) with s = |x| − 1.
            var s = TS.Subtract(ax, TS.Create(1));
            var p = Step<TS, TV>(s, Step<TS, TV>(s, Step<TS, TV>(s, Step<TS, TV>(s, Step<TS, TV>(s, Step<TS, TV>(s, TS.Create(ErfOp.Pa6), ErfOp.Pa5), ErfOp.Pa4), ErfOp.Pa3), ErfOp.Pa2), ErfOp.Pa1), ErfOp.Pa0);
            var q = Step<TS, TV>(s, Step<TS, TV>(s, Step<TS, TV>(s, Step<TS, TV>(s, Step<TS, TV>(s, Step<TS, TV>(s, TS.Create(ErfOp.Qa6), ErfOp.Qa5), ErfOp.Qa4), ErfOp.Qa3), ErfOp.Qa2), ErfOp.Qa1), 1);
            var ratio = TS.Divide(p, q);
            var positive = TS.Add(TS.Create(ErfOp.Erx), ratio);
            var negative = TS.Subtract(TS.Create(-ErfOp.Erx), ratio);
            var mid = TS.Select(TS.Less(x, TS.Create(0)), negative, positive);
            result = TS.Select(TS.Less(ax, TS.Create(0.84375)), result, mid);
        }
        TS.Store(result, ref yRef, (nuint)i);
        uint rest = all & ~inFits;
        while (rest != 0)
        {
            int lane = System.Numerics.BitOperations.TrailingZeroCount(rest);
            rest &= rest - 1;
            Unsafe.Add(ref yRef, i + lane) = ErfOp.Erf(TS.GetElement(x, lane)); // from x: y may be x's memory
        }
    }

    /// <summary>One Horner step, c + v·acc, rounded twice as the scalar code's nested form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Step<TS, TV>(TV v, TV acc, double c) where TS : IDoubleSimd<TV> where TV : struct =>
        TS.Add(TS.Create(c), TS.Multiply(v, acc));
}

/// <summary>The float64 vector operations of <see cref="ErfVector"/>, as static members of a struct per width.</summary>
internal interface IDoubleSimd<TV> where TV : struct
{
    static abstract int Count { get; }

    static abstract TV Load(ref double source, nuint index);

    static abstract void Store(TV value, ref double destination, nuint index);

    static abstract TV Create(double value);

    static abstract TV Add(TV a, TV b);

    static abstract TV Subtract(TV a, TV b);

    static abstract TV Multiply(TV a, TV b);

    /// <summary>a·b + c rounded once.</summary>
    static abstract TV MultiplyAdd(TV a, TV b, TV c);

    /// <summary>
    /// Bit i set where lane i, rounded to float32, lies within <paramref name="margin"/> float64 ulps of a float32
    /// rounding midpoint (its low 29 mantissa bits within the margin of 2²⁸), so that a value that close may round
    /// the other way; meaningful for results in float32's normal range.
    /// </summary>
    static abstract uint NearFloat32MidpointMask(TV a, long margin);

    static abstract TV Divide(TV a, TV b);

    static abstract TV Abs(TV a);

    static abstract double GetElement(TV v, int lane);

    /// <summary>All-ones lanes where a &lt; b (false for NaN).</summary>
    static abstract TV Less(TV a, TV b);

    /// <summary>Bit i set where lane i of a &lt; b (false for NaN).</summary>
    static abstract uint LessMask(TV a, TV b);

    /// <summary>Lanes of <paramref name="mask"/> set take <paramref name="ifSet"/>, the others <paramref name="otherwise"/>.</summary>
    static abstract TV Select(TV mask, TV ifSet, TV otherwise);
}

internal readonly struct DoubleSimd512 : IDoubleSimd<Vector512<double>>
{
    public static int Count => Vector512<double>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load(ref double source, nuint index) => Vector512.LoadUnsafe(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<double> value, ref double destination, nuint index) => value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Create(double value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint NearFloat32MidpointMask(Vector512<double> a, long margin)
    {
        // (low 29 bits − (2²⁸ − margin)) mod 2²⁹ < 2·margin; the values stay below 2²⁹, so the signed compare suffices.
        var offset = (a.AsInt64() - Vector512.Create((1L << 28) - margin)) & Vector512.Create((1L << 29) - 1);
        return (uint)Vector512.LessThan(offset, Vector512.Create(2 * margin)).ExtractMostSignificantBits();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Divide(Vector512<double> a, Vector512<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Abs(Vector512<double> a) => Vector512.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GetElement(Vector512<double> v, int lane) => v.GetElement(lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Less(Vector512<double> a, Vector512<double> b) => Vector512.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint LessMask(Vector512<double> a, Vector512<double> b) => (uint)Vector512.LessThan(a, b).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Select(Vector512<double> mask, Vector512<double> ifSet, Vector512<double> otherwise) =>
        Vector512.ConditionalSelect(mask, ifSet, otherwise);
}

internal readonly struct DoubleSimd256 : IDoubleSimd<Vector256<double>>
{
    public static int Count => Vector256<double>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(ref double source, nuint index) => Vector256.LoadUnsafe(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<double> value, ref double destination, nuint index) => value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Create(double value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint NearFloat32MidpointMask(Vector256<double> a, long margin)
    {
        // (low 29 bits − (2²⁸ − margin)) mod 2²⁹ < 2·margin; the values stay below 2²⁹, so the signed compare suffices.
        var offset = (a.AsInt64() - Vector256.Create((1L << 28) - margin)) & Vector256.Create((1L << 29) - 1);
        return Vector256.LessThan(offset, Vector256.Create(2 * margin)).ExtractMostSignificantBits();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Divide(Vector256<double> a, Vector256<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Abs(Vector256<double> a) => Vector256.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GetElement(Vector256<double> v, int lane) => v.GetElement(lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Less(Vector256<double> a, Vector256<double> b) => Vector256.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint LessMask(Vector256<double> a, Vector256<double> b) => Vector256.LessThan(a, b).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Select(Vector256<double> mask, Vector256<double> ifSet, Vector256<double> otherwise) =>
        Vector256.ConditionalSelect(mask, ifSet, otherwise);
}
