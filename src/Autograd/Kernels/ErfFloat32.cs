using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// erf of float32 inputs, rounded to float32, bit-identical to <c>(float)ErfOp.Erf(x)</c> but without its divisions
/// and scalar exps: for |x| &lt; 1.25 a degree-11 polynomial in x² (a Chebyshev interpolant of erf(x)/x − 1 on
/// [0, 1.5625], evaluated with fused multiply-adds in float64) is within 2⁻⁴⁹ relative of the true erf, hence within a
/// few dozen float64 ulps of fdlibm's result; for 1.25 ≤ |x| &lt; 4 a degree-22 polynomial in |x| (a Chebyshev
/// interpolant of erf on that interval, evaluated by Estrin's scheme) is within 1·10⁻¹⁴ of it, 75 ulps at most; from 4 on, ±1, which is what
/// fdlibm's 1 − erfc(|x|) rounds to in float32 there (erfc(4) ≈ 1.5·10⁻⁸, below half a float32 ulp of 1). The vector
/// result and fdlibm's round to different floats only if a float32 rounding boundary (a midpoint between floats) lies
/// between them, so a lane whose float64 result lies within <see cref="MidpointMargin"/> float64 ulps of a midpoint,
/// like a NaN or infinite lane, is redone by <see cref="ErfVector"/>'s exact form (a few lanes in a million).
/// Equality with the rounded fdlibm result is exact, not approximate, which GELU's 1 + erf(x) needs for negative x,
/// where the cancellation would magnify any one-ulp difference of erf. An exhaustive sweep (tools/gelu-ab, "ulp"
/// mode) checks every float against the scalar erf.
/// </summary>
internal static class ErfFloat32
{
    /// <summary>
    /// Lanes whose float64 result lies within this many float64 ulps of a float32 midpoint take the exact path: the
    /// polynomials' errors (at most 14 ulps below 1.25 and 75 up to 4 over every float, tools/gelu-ab) and fdlibm's
    /// (under one ulp) stay well below it.
    /// </summary>
    public const long MidpointMargin = 1024;

    /// <summary>Inputs of |x| below this take the polynomial in x²; fdlibm's first two fits end here.</summary>
    public const double PolynomialLimit = 1.25;

    /// <summary>From here on erf rounds to ±1 in float32; below it, down to <see cref="PolynomialLimit"/>, <see cref="MiddlePolynomial"/> holds.</summary>
    internal const double SaturationLimit = 4;

    // The middle interval [1.25, 4] as t = (|x| − 2.625) / 1.375 in [−1, 1].
    private const double MiddleCenter = 2.625, MiddleHalfWidth = 1.375;

    // erf(|x|) ≈ M0 + M1·t + … + M22·t²² on the middle interval: the degree-22 interpolant of erf at 23 Chebyshev
    // nodes (60-digit arithmetic), within 8.2·10⁻¹⁵ of erf on a 4,001-point grid (degree 20: 2.3·10⁻¹³, past the
    // margin's reach near 1).
    private const double
        M0 = 0.9997946242638588, M1 = 0.0015783282982114667, M2 = -0.005696778700985279, M3 = 0.012713198092081301,
        M4 = -0.01935319228452707, M5 = 0.020730404601473813, M6 = -0.015184033416239308, M7 = 0.006326764103488027,
        M8 = 0.00044264994557644634, M9 = -0.002680874120121923, M10 = 0.0017864799176843707, M11 = -0.00034307453948533343,
        M12 = -0.00030537473734707307, M13 = 0.000261285926423261, M14 = -5.860242802452936e-05, M15 = -3.337376404010964e-05,
        M16 = 2.8027315564659667e-05, M17 = -4.478072114039115e-06, M18 = -3.816412914267122e-06, M19 = 1.96602468459625e-06,
        M20 = 3.5956873360669916e-08, M21 = -2.1838746452604777e-07, M22 = 3.700008280667573e-08;

    // erf(x) ≈ x + x·P(x²), P(z) = C0 + C1·z + … + C11·z¹¹ on z ∈ [0, 1.5625] (interpolated at 12 Chebyshev nodes in
    // 60-digit arithmetic; relative error of erf 1.6·10⁻¹⁵ before float64 evaluation).
    internal const double C0 = 0.12837916709551134, C1 = -0.37612638903161005, C2 = 0.11283791670259764,
        C3 = -0.026866170561743574, C4 = 0.005223977107811719, C5 = -0.0008548308018081119, C6 = 0.00012054889121420917,
        C7 = -1.4918792592163237e-05, C8 = 1.6390876574814683e-06, C9 = -1.5870369517853543e-07, C10 = 1.2562368446087364e-08,
        C11 = -6.059957816842191e-10;

    /// <summary>
    /// erf of lanes that hold float32 values widened to float64, in float64 but good only to round to float32: equal
    /// to fdlibm's result where that matters for the rounding, recomputed by it elsewhere. <paramref name="scratch"/>:
    /// room for one vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ErfForRounding<TS, TV>(TV x, ref double scratch) where TS : IDoubleSimd<TV> where TV : struct
    {
        var z = TS.Multiply(x, x); // exact: a float32 squared fits in float64's mantissa
        var p = Horner<TS, TV>(z, C11, C10, C9, C8, C7, C6, C5, C4, C3);
        p = TS.MultiplyAdd(p, z, TS.Create(C2));
        p = TS.MultiplyAdd(p, z, TS.Create(C1));
        p = TS.MultiplyAdd(p, z, TS.Create(C0));
        var e = TS.MultiplyAdd(x, p, x);
        uint all = (1u << TS.Count) - 1;
        var ax = TS.Abs(x);
        if (TS.LessMask(ax, TS.Create(PolynomialLimit)) != all)
        {
            e = Beyond<TS, TV>(x, ax, e);
        }
        // NaN or infinite; near a midpoint; or nonzero below 2⁻²⁸, where fdlibm's x + Efx·x is exact to double precision
        // and the result may be a float32 subnormal, whose rounding the midpoint test does not see.
        uint tiny = TS.LessMask(ax, TS.Create(3.7252902984e-09)) & ~TS.LessMask(ax, TS.Create(double.Epsilon));
        uint redo = (all & ~TS.LessMask(ax, TS.Create(double.PositiveInfinity))) | tiny | TS.NearFloat32MidpointMask(e, MidpointMargin);
        if (redo != 0)
        {
            e = Exact<TS, TV>(x, ref scratch);
        }
        return e;
    }

    /// <summary>All lanes by <see cref="ErfVector"/>'s exact form; out of line, to keep the hot loop's registers.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TV Exact<TS, TV>(TV x, ref double scratch) where TS : IDoubleSimd<TV> where TV : struct
    {
        TS.Store(x, ref scratch, 0);
        ErfVector.Block<TS, TV>(ref scratch, ref scratch, 0, TS.Count);
        return TS.Load(ref scratch, 0);
    }

    /// <summary>
    /// <paramref name="polynomial"/> where |x| &lt; 1.25, <see cref="MiddlePolynomial"/> with x's sign up to 4, ±1 from there on.
    /// Out of line: in many GELU layers most vectors have no lane past 1.25.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TV Beyond<TS, TV>(TV x, TV ax, TV polynomial) where TS : IDoubleSimd<TV> where TV : struct
    {
        var inside = TS.Less(ax, TS.Create(SaturationLimit));
        var p = MiddlePolynomial<TS, TV>(TS.Select(inside, ax, TS.Create(SaturationLimit)));
        var magnitude = TS.Select(inside, p, TS.Create(1));
        var signed = TS.Select(TS.Less(x, TS.Create(0)), TS.Subtract(TS.Create(0), magnitude), magnitude);
        return TS.Select(TS.Less(ax, TS.Create(PolynomialLimit)), polynomial, signed);
    }

    /// <summary>
    /// erf(|x|) on the middle interval as the degree-22 polynomial in t, by Estrin's scheme: pairs, then pairs of pairs
    /// with t², t⁴, t⁸, t¹⁶, six dependent steps where Horner's rule takes 22; the polynomial's error (75 float64 ulps
    /// at worst over every float, tools/gelu-ab) stays far inside the midpoint margin. Internal for the tests and the
    /// sweep, which evaluate exactly this.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV MiddlePolynomial<TS, TV>(TV ax) where TS : IDoubleSimd<TV> where TV : struct
    {
        var t = TS.MultiplyAdd(ax, TS.Create(1 / MiddleHalfWidth), TS.Create(-MiddleCenter / MiddleHalfWidth));
        var t2 = TS.Multiply(t, t);
        var t4 = TS.Multiply(t2, t2);
        var t8 = TS.Multiply(t4, t4);
        var q0 = TS.MultiplyAdd(Pair<TS, TV>(t, M2, M3), t2, Pair<TS, TV>(t, M0, M1));
        var q1 = TS.MultiplyAdd(Pair<TS, TV>(t, M6, M7), t2, Pair<TS, TV>(t, M4, M5));
        var q2 = TS.MultiplyAdd(Pair<TS, TV>(t, M10, M11), t2, Pair<TS, TV>(t, M8, M9));
        var q3 = TS.MultiplyAdd(Pair<TS, TV>(t, M14, M15), t2, Pair<TS, TV>(t, M12, M13));
        var q4 = TS.MultiplyAdd(Pair<TS, TV>(t, M18, M19), t2, Pair<TS, TV>(t, M16, M17));
        var q5 = TS.MultiplyAdd(TS.Create(M22), t2, Pair<TS, TV>(t, M20, M21));
        var low = TS.MultiplyAdd(TS.MultiplyAdd(q3, t4, q2), t8, TS.MultiplyAdd(q1, t4, q0));
        return TS.MultiplyAdd(TS.MultiplyAdd(q5, t4, q4), TS.Multiply(t8, t8), low);
    }

    /// <summary>c0 + c1·t, rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Pair<TS, TV>(TV t, double c0, double c1) where TS : IDoubleSimd<TV> where TV : struct =>
        TS.MultiplyAdd(TS.Create(c1), t, TS.Create(c0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Horner<TS, TV>(TV t, double c7, double c6, double c5, double c4, double c3, double c2, double c1, double c0)
        where TS : IDoubleSimd<TV> where TV : struct
    {
        var p = TS.MultiplyAdd(TS.Create(c7), t, TS.Create(c6));
        p = TS.MultiplyAdd(p, t, TS.Create(c5));
        p = TS.MultiplyAdd(p, t, TS.Create(c4));
        p = TS.MultiplyAdd(p, t, TS.Create(c3));
        p = TS.MultiplyAdd(p, t, TS.Create(c2));
        p = TS.MultiplyAdd(p, t, TS.Create(c1));
        return TS.MultiplyAdd(p, t, TS.Create(c0));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Horner<TS, TV>(TV t, double c8, double c7, double c6, double c5, double c4, double c3, double c2, double c1, double c0)
        where TS : IDoubleSimd<TV> where TV : struct =>
        TS.MultiplyAdd(Horner<TS, TV>(t, c8, c7, c6, c5, c4, c3, c2, c1), t, TS.Create(c0));

    /// <summary>(float)ErfOp.Erf of 16 lanes, through two float64 halves. <paramref name="scratch"/>: room for 8 doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Erf(Vector512<float> x, ref double scratch) =>
        Vector512.Narrow(ErfForRounding<DoubleSimd512, Vector512<double>>(Vector512.WidenLower(x), ref scratch),
            ErfForRounding<DoubleSimd512, Vector512<double>>(Vector512.WidenUpper(x), ref scratch));

    /// <summary>(float)ErfOp.Erf of 8 lanes, through two float64 halves. <paramref name="scratch"/>: room for 4 doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Erf(Vector256<float> x, ref double scratch) =>
        Vector256.Narrow(ErfForRounding<DoubleSimd256, Vector256<double>>(Vector256.WidenLower(x), ref scratch),
            ErfForRounding<DoubleSimd256, Vector256<double>>(Vector256.WidenUpper(x), ref scratch));

    /// <summary>y[i] = (float)ErfOp.Erf(x[i]).</summary>
    [SkipLocalsInit]
    public static void Erf(ReadOnlySpan<float> x, Span<float> y)
    {
        Span<double> scratch = stackalloc double[8];
        ref double s = ref scratch[0];
        ref float xRef = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float yRef = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= x.Length - 16; i += 16)
            {
                Erf(Vector512.LoadUnsafe(ref xRef, (nuint)i), ref s).StoreUnsafe(ref yRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= x.Length - 8; i += 8)
            {
                Erf(Vector256.LoadUnsafe(ref xRef, (nuint)i), ref s).StoreUnsafe(ref yRef, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            y[i] = (float)ErfOp.Erf(x[i]);
        }
    }
}
