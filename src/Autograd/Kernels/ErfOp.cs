using System.Numerics;
using System.Runtime.InteropServices;

namespace MiniTorch.Kernels;

/// <summary>
/// The error function elementwise, evaluated in float64 for both dtypes (float32 rounds the result once).
/// .NET has no <c>Math.Erf</c>; this follows the piecewise rational approximations of fdlibm's <c>s_erf.c</c>
/// (the implementation glibc, and so PyTorch on Linux, descends from), accurate to about 1 ulp, so GELU
/// matches PyTorch to the last bits instead of to a polynomial fit's 1e-7.
/// </summary>
/// <remarks>
/// Method and coefficients: fdlibm s_erf.c. Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
/// Developed at SunPro, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
/// software is freely granted, provided that this notice is preserved.
/// </remarks>
internal readonly struct ErfOp : IUnaryOp
{
    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The vector form of Erf below (bit-identical to it, see ErfVector).
        if (typeof(T) == typeof(float))
        {
            ErfVector.Erf(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        }
        else if (typeof(T) == typeof(double))
        {
            ErfVector.Erf(MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y));
        }
        else
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = T.CreateTruncating(Erf(double.CreateTruncating(x[i])));
            }
        }
    }

    // erf(1) rounded to float: the interval [0.84375, 1.25] approximates erf(x) - Erx.
    internal const double Erx = 8.45062911510467529297e-01;
    internal const double Efx = 1.28379167095512586316e-01; // 2/√π − 1

    // [0, 0.84375]: erf(x) = x + x·P(x²)/Q(x²)
    internal const double Pp0 = 1.28379167095512558561e-01, Pp1 = -3.25042107247001499370e-01, Pp2 = -2.84817495755985104766e-02,
        Pp3 = -5.77027029648944159157e-03, Pp4 = -2.37630166566501626084e-05;
    internal const double Qq1 = 3.97917223959155352819e-01, Qq2 = 6.50222499887672944485e-02, Qq3 = 5.08130628187576562776e-03,
        Qq4 = 1.32494738004321644526e-04, Qq5 = -3.96022827877536812320e-06;

    // [0.84375, 1.25]: erf(1 + s) = Erx + P(s)/Q(s)
    internal const double Pa0 = -2.36211856075265944077e-03, Pa1 = 4.14856118683748331666e-01, Pa2 = -3.72207876035701323847e-01,
        Pa3 = 3.18346619901161753674e-01, Pa4 = -1.10894694282396677476e-01, Pa5 = 3.54783043256182359371e-02, Pa6 = -2.16637559486879084300e-03;
    internal const double Qa1 = 1.06420880400844228286e-01, Qa2 = 5.40397917702171048937e-01, Qa3 = 7.18286544141962662868e-02,
        Qa4 = 1.26171219808761642112e-01, Qa5 = 1.36370839120290507362e-02, Qa6 = 1.19844998467991074170e-02;

    // [1.25, 1/0.35]: erfc(x) = exp(−x² − 0.5625 + R(1/x²)/S(1/x²)) / x
    private const double Ra0 = -9.86494403484714822705e-03, Ra1 = -6.93858572707181764372e-01, Ra2 = -1.05586262253232909814e+01,
        Ra3 = -6.23753324503260060396e+01, Ra4 = -1.62396669462573470355e+02, Ra5 = -1.84605092906711035994e+02,
        Ra6 = -8.12874355063065934246e+01, Ra7 = -9.81432934416914548592e+00;
    private const double Sa1 = 1.96512716674392571292e+01, Sa2 = 1.37657754143519042600e+02, Sa3 = 4.34565877475229228821e+02,
        Sa4 = 6.45387271733267880336e+02, Sa5 = 4.29008140027567833386e+02, Sa6 = 1.08635005541779435134e+02,
        Sa7 = 6.57024977031928170135e+00, Sa8 = -6.04244152148580987438e-02;

    // [1/0.35, 6]: the same form with another fit.
    private const double Rb0 = -9.86494292470009928597e-03, Rb1 = -7.99283237680523006574e-01, Rb2 = -1.77579549177547519889e+01,
        Rb3 = -1.60636384855821916062e+02, Rb4 = -6.37566443368389627722e+02, Rb5 = -1.02509513161107724954e+03,
        Rb6 = -4.83519191608651397019e+02;
    private const double Sb1 = 3.03380607434824582924e+01, Sb2 = 3.25792512996573918826e+02, Sb3 = 1.53672958608443695994e+03,
        Sb4 = 3.19985821950859553908e+03, Sb5 = 2.55305040643316442583e+03, Sb6 = 4.74528541206955367215e+02,
        Sb7 = -2.24409524465858183362e+01;

    /// <summary>erf(x) in float64.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }
        double ax = Math.Abs(x);
        if (ax < 0.84375)
        {
            if (ax < 3.7252902984e-09) // 2⁻²⁸: the first term of the series is exact to double precision
            {
                return x + Efx * x;
            }
            double z = x * x;
            double r = Pp0 + z * (Pp1 + z * (Pp2 + z * (Pp3 + z * Pp4)));
            double s = 1 + z * (Qq1 + z * (Qq2 + z * (Qq3 + z * (Qq4 + z * Qq5))));
            return x + x * (r / s);
        }
        if (ax < 1.25)
        {
            double s = ax - 1;
            double p = Pa0 + s * (Pa1 + s * (Pa2 + s * (Pa3 + s * (Pa4 + s * (Pa5 + s * Pa6)))));
            double q = 1 + s * (Qa1 + s * (Qa2 + s * (Qa3 + s * (Qa4 + s * (Qa5 + s * Qa6)))));
            return x >= 0 ? Erx + p / q : -Erx - p / q;
        }
        if (ax >= 6)
        {
            return x >= 0 ? 1 : -1; // 1 − erfc(6) rounds to 1 in double
        }
        double t = 1 / (ax * ax);
        double rr, ss;
        if (ax < 1 / 0.35)
        {
            rr = Ra0 + t * (Ra1 + t * (Ra2 + t * (Ra3 + t * (Ra4 + t * (Ra5 + t * (Ra6 + t * Ra7))))));
            ss = 1 + t * (Sa1 + t * (Sa2 + t * (Sa3 + t * (Sa4 + t * (Sa5 + t * (Sa6 + t * (Sa7 + t * Sa8)))))));
        }
        else
        {
            rr = Rb0 + t * (Rb1 + t * (Rb2 + t * (Rb3 + t * (Rb4 + t * (Rb5 + t * Rb6)))));
            ss = 1 + t * (Sb1 + t * (Sb2 + t * (Sb3 + t * (Sb4 + t * (Sb5 + t * (Sb6 + t * Sb7))))));
        }
        // exp(−x²) is split as exp(−z² − 0.5625)·exp((z − x)(z + x)) with z = x with its low 32 bits cleared,
        // so z² is exact and the large exponent loses no precision.
        double zz = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(ax) & unchecked((long)0xFFFFFFFF00000000UL));
        double erfc = Math.Exp(-zz * zz - 0.5625) * Math.Exp((zz - ax) * (zz + ax) + rr / ss) / ax;
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
