using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// erf of float32 inputs, rounded to float32, bit-identical to <c>(float)ErfOp.Erf(x)</c> but without its divisions
/// below 1.25 and without its scalar exp above: for |x| &lt; 1.25 a degree-11 polynomial in x² (a Chebyshev interpolant
/// of erf(x)/x − 1 on [0, 1.5625], evaluated with fused multiply-adds in float64) is within 2⁻⁴⁹ relative of the true
/// erf, hence within a few dozen float64 ulps of fdlibm's result; for 1.25 ≤ |x| &lt; 6, fdlibm's own erfc form
/// (its rational fits and its split exp(−z² − 0.5625)·exp((z − x)(z + x) + R/S)/x) in vectors, with the runtime's
/// vector exp, within a few float64 ulps of erfc and so of 1 − erfc; from 6 on, ±1 as fdlibm. The vector result and
/// fdlibm's round to different floats only if a float32 rounding boundary (a midpoint between floats) lies between
/// them, so a lane whose float64 result lies within <see cref="MidpointMargin"/> float64 ulps of a midpoint, like a
/// NaN or infinite lane, is redone by <see cref="ErfVector"/>'s exact form (a few lanes in a million). Equality with
/// the rounded fdlibm result is exact, not approximate, which GELU's 1 + erf(x) needs for negative x, where the
/// cancellation would magnify any one-ulp difference of erf. An exhaustive sweep (tools/gelu-ab, "ulp" mode) checks
/// every float against the scalar erf.
/// </summary>
internal static class ErfFloat32
{
    /// <summary>
    /// Lanes whose float64 result lies within this many float64 ulps of a float32 midpoint take the exact path: the
    /// polynomial's error (about 30 ulps at most, as fitted, plus evaluation rounding) and fdlibm's (under one ulp)
    /// stay well below it.
    /// </summary>
    public const long MidpointMargin = 1024;

    /// <summary>Inputs of |x| below this take the polynomial; fdlibm's first two fits end here.</summary>
    public const double PolynomialLimit = 1.25;

    /// <summary>From here on fdlibm's erf is ±1 exactly (1 − erfc(6) rounds to 1 in float64).</summary>
    private const double SaturationLimit = 6;

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
            e = Tail<TS, TV>(x, ax, e);
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
    /// <paramref name="polynomial"/> where |x| &lt; 1.25, elsewhere fdlibm's erf (±(1 − erfc(|x|)), ±1 from 6 on), lane
    /// by lane as <see cref="ErfOp.Erf"/> computes it except for the vector exp and fused Horner steps: a few float64
    /// ulps of erfc, far inside the midpoint margin. Out of line: most GELU inputs never need it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TV Tail<TS, TV>(TV x, TV ax, TV polynomial) where TS : IDoubleSimd<TV> where TV : struct
    {
        var t = TS.Divide(TS.Create(1), TS.Multiply(ax, ax));
        // [1.25, 1/0.35) and [1/0.35, 6): both fits, then each lane takes its own.
        var ra = Horner<TS, TV>(t, ErfOp.Ra7, ErfOp.Ra6, ErfOp.Ra5, ErfOp.Ra4, ErfOp.Ra3, ErfOp.Ra2, ErfOp.Ra1, ErfOp.Ra0);
        var sa = Horner<TS, TV>(t, ErfOp.Sa8, ErfOp.Sa7, ErfOp.Sa6, ErfOp.Sa5, ErfOp.Sa4, ErfOp.Sa3, ErfOp.Sa2, ErfOp.Sa1, 1);
        var rb = Horner<TS, TV>(t, 0, ErfOp.Rb6, ErfOp.Rb5, ErfOp.Rb4, ErfOp.Rb3, ErfOp.Rb2, ErfOp.Rb1, ErfOp.Rb0);
        var sb = Horner<TS, TV>(t, ErfOp.Sb7, ErfOp.Sb6, ErfOp.Sb5, ErfOp.Sb4, ErfOp.Sb3, ErfOp.Sb2, ErfOp.Sb1, 1);
        var near = TS.Less(ax, TS.Create(1 / 0.35));
        var ratio = TS.Divide(TS.Select(near, ra, rb), TS.Select(near, sa, sb));
        var z = TS.ClearLow32(ax);
        var first = TS.Exp(TS.Subtract(TS.Multiply(TS.Subtract(TS.Create(0), z), z), TS.Create(0.5625)));
        var second = TS.Exp(TS.Add(TS.Multiply(TS.Subtract(z, ax), TS.Add(z, ax)), ratio));
        var erfc = TS.Select(TS.Less(ax, TS.Create(SaturationLimit)), TS.Divide(TS.Multiply(first, second), ax), TS.Create(0));
        var one = TS.Create(1);
        var tail = TS.Select(TS.Less(x, TS.Create(0)), TS.Subtract(erfc, one), TS.Subtract(one, erfc));
        return TS.Select(TS.Less(ax, TS.Create(PolynomialLimit)), polynomial, tail);
    }

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
