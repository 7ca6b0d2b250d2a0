using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MiniTorch.Kernels;

/// <summary>
/// The float32 vector operations the polynomial kernels of <see cref="Float32Math"/> need, as static members of a
/// struct per width (as <see cref="IGemmSimd{TVec, T}"/> does for the GEMM), so one generic kernel compiles to
/// Vector512 or Vector256 code with no call left in the loop.
/// </summary>
internal interface IFloat32Simd<TVec> where TVec : struct
{
    static abstract int Count { get; }

    static abstract TVec Load(ref float source, nuint index);

    static abstract void Store(TVec value, ref float destination, nuint index);

    /// <summary>A store that bypasses the caches; <paramref name="destination"/> must be vector-aligned (and pinned).</summary>
    static abstract unsafe void StoreNonTemporal(TVec value, float* destination);

    static abstract TVec Create(float value);

    static abstract TVec Add(TVec a, TVec b);

    /// <summary>The lanes added up, as <c>Vector512.Sum</c> / <c>Vector256.Sum</c> add them.</summary>
    static abstract float Sum(TVec a);

    static abstract TVec Subtract(TVec a, TVec b);

    static abstract TVec Multiply(TVec a, TVec b);

    static abstract TVec Divide(TVec a, TVec b);

    /// <summary>a·b + c with one rounding.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    static abstract TVec Min(TVec a, TVec b);

    static abstract TVec Max(TVec a, TVec b);

    static abstract TVec Abs(TVec a);

    /// <summary>Round half to even, as the FPU's default mode.</summary>
    static abstract TVec Round(TVec a);

    static abstract TVec Floor(TVec a);

    /// <summary>2ⁿ for integral n in [−126, 127], built in the exponent field.</summary>
    static abstract TVec Pow2(TVec n);

    /// <summary>|magnitude| with the sign bit of <paramref name="sign"/>.</summary>
    static abstract TVec CopySign(TVec magnitude, TVec sign);

    /// <summary>Lanes where a &lt; b take <paramref name="ifLess"/>, the others <paramref name="otherwise"/>.</summary>
    static abstract TVec SelectLess(TVec a, TVec b, TVec ifLess, TVec otherwise);

    /// <summary>NaN lanes of <paramref name="x"/> keep x; the others take <paramref name="value"/>.</summary>
    static abstract TVec KeepNaN(TVec x, TVec value);

    /// <summary>Whether every lane has |x| ≤ <paramref name="limit"/> (false for NaN).</summary>
    static abstract bool AllAbsAtMost(TVec x, float limit);

    /// <summary>
    /// u·2^q for the integer q that <paramref name="shifted"/> = q + 1.5·2²³ holds in its low mantissa bits, by adding
    /// q to u's exponent field (the shift drops the bits of 1.5·2²³): exact while the result stays normal.
    /// </summary>
    static abstract TVec ScaleByShiftedExponent(TVec u, TVec shifted);

    /// <summary>
    /// u·2^q for integral q, where <paramref name="shifted"/> = q + 1.5·2²³ as in <see cref="ScaleByShiftedExponent"/>:
    /// the same bits while the result stays normal, in one instruction (<c>vscalefps</c>) with AVX-512 instead of two.
    /// </summary>
    static abstract TVec ScaleByPowerOfTwo(TVec u, TVec q, TVec shifted);
}

internal readonly struct Float32Simd512 : IFloat32Simd<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nuint index) => Vector512.LoadUnsafe(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreNonTemporal(Vector512<float> value, float* destination) => value.StoreAlignedNonTemporal(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Create(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> a) => Vector512.Sum(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Abs(Vector512<float> a) => Vector512.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Round(Vector512<float> a) => Vector512.Round(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Floor(Vector512<float> a) => Vector512.Floor(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Pow2(Vector512<float> n) =>
        Vector512.ShiftLeft(Vector512.ConvertToInt32Native(n) + Vector512.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> CopySign(Vector512<float> magnitude, Vector512<float> sign) => Vector512.CopySign(magnitude, sign);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectLess(Vector512<float> a, Vector512<float> b, Vector512<float> ifLess, Vector512<float> otherwise) =>
        Vector512.ConditionalSelect(Vector512.LessThan(a, b), ifLess, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> KeepNaN(Vector512<float> x, Vector512<float> value) => Vector512.ConditionalSelect(Vector512.Equals(x, x), value, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllAbsAtMost(Vector512<float> x, float limit) => Vector512.LessThanOrEqualAll(Vector512.Abs(x), Vector512.Create(limit));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ScaleByShiftedExponent(Vector512<float> u, Vector512<float> shifted) =>
        (u.AsInt32() + Vector512.ShiftLeft(shifted.AsInt32(), 23)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ScaleByPowerOfTwo(Vector512<float> u, Vector512<float> q, Vector512<float> shifted) =>
        Avx512F.IsSupported ? Avx512F.Scale(u, q) : ScaleByShiftedExponent(u, shifted);
}

internal readonly struct Float32Simd256 : IFloat32Simd<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint index) => Vector256.LoadUnsafe(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreNonTemporal(Vector256<float> value, float* destination) => value.StoreAlignedNonTemporal(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Create(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> a) => Vector256.Sum(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Abs(Vector256<float> a) => Vector256.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Round(Vector256<float> a) => Vector256.Round(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Floor(Vector256<float> a) => Vector256.Floor(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Pow2(Vector256<float> n) =>
        Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> CopySign(Vector256<float> magnitude, Vector256<float> sign) => Vector256.CopySign(magnitude, sign);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectLess(Vector256<float> a, Vector256<float> b, Vector256<float> ifLess, Vector256<float> otherwise) =>
        Vector256.ConditionalSelect(Vector256.LessThan(a, b), ifLess, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> KeepNaN(Vector256<float> x, Vector256<float> value) => Vector256.ConditionalSelect(Vector256.Equals(x, x), value, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllAbsAtMost(Vector256<float> x, float limit) => Vector256.LessThanOrEqualAll(Vector256.Abs(x), Vector256.Create(limit));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ScaleByShiftedExponent(Vector256<float> u, Vector256<float> shifted) =>
        (u.AsInt32() + Vector256.ShiftLeft(shifted.AsInt32(), 23)).AsSingle();

    // Not AVX-512VL's vscalefps even where it exists: the AVX2 path should be the same code on every AVX2 machine.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ScaleByPowerOfTwo(Vector256<float> u, Vector256<float> q, Vector256<float> shifted) =>
        ScaleByShiftedExponent(u, shifted);
}
