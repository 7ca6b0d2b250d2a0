using MiniTorch.Plugins;

namespace MiniTorch.Examples.Activations;

/// <summary>
/// erf written with ONNX operators that ONNX Runtime's CPU provider runs in float32 and float64 alike: its own Erf
/// kernel (and Gelu, which expands to Erf) exists for float32 only, so a float64 model using it is rejected. This is
/// fdlibm's piecewise rational approximation (the one MiniTorch's Erf follows), accurate to a few ulps in float64;
/// every piece is computed and Where picks the one for each element's |x|.
/// </summary>
/// <remarks>
/// Coefficients: fdlibm s_erf.c. Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at
/// SunPro, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this software is freely
/// granted, provided that this notice is preserved.
/// </remarks>
internal static class OnnxErf
{
    private const double Erx = 8.45062911510467529297e-01;
    private static readonly double[] Pp = [1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02, -5.77027029648944159157e-03, -2.37630166566501626084e-05];
    private static readonly double[] Qq = [1, 3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03, 1.32494738004321644526e-04, -3.96022827877536812320e-06];
    private static readonly double[] Pa = [-2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01, 3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02, -2.16637559486879084300e-03];
    private static readonly double[] Qa = [1, 1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02, 1.26171219808761642112e-01, 1.36370839120290507362e-02, 1.19844998467991074170e-02];
    private static readonly double[] Ra = [-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e+01, -6.23753324503260060396e+01, -1.62396669462573470355e+02, -1.84605092906711035994e+02, -8.12874355063065934246e+01, -9.81432934416914548592e+00];
    private static readonly double[] Sa = [1, 1.96512716674392571292e+01, 1.37657754143519042600e+02, 4.34565877475229228821e+02, 6.45387271733267880336e+02, 4.29008140027567833386e+02, 1.08635005541779435134e+02, 6.57024977031928170135e+00, -6.04244152148580987438e-02];
    private static readonly double[] Rb = [-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01, -1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03, -4.83519191608651397019e+02];
    private static readonly double[] Sb = [1, 3.03380607434824582924e+01, 3.25792512996573918826e+02, 1.53672958608443695994e+03, 3.19985821950859553908e+03, 2.55305040643316442583e+03, 4.74528541206955367215e+02, -2.24409524465858183362e+01];

    /// <summary>erf(<paramref name="x"/>), elementwise.</summary>
    public static OnnxValue Erf(OnnxOpBuilder g, OnnxValue x)
    {
        var ax = g.Op("Abs", x);
        var sign = g.Op("Sign", x);
        // |x| < 0.84375: x + x·P(x²)/Q(x²)
        var z = g.Op("Mul", x, x);
        var small = g.Op("Add", x, g.Op("Mul", x, Ratio(g, z, Pp, Qq)));
        // |x| < 1.25: sign·(erx + P(s)/Q(s)), s = |x| − 1
        var s = g.Op("Sub", ax, g.Constant(1));
        var near1 = g.Op("Mul", sign, g.Op("Add", g.Constant(Erx), Ratio(g, s, Pa, Qa)));
        // |x| < 6: sign·(1 − erfc), erfc = exp(−x² − 0.5625 + R(t)/S(t))/|x|, t = 1/x², with two fits split at 1/0.35
        var t = g.Op("Reciprocal", z);
        var fit = g.Op("Where", g.Op("Less", ax, g.Constant(1 / 0.35)), Ratio(g, t, Ra, Sa), Ratio(g, t, Rb, Sb));
        var exponent = g.Op("Add", g.Op("Sub", g.Op("Neg", z), g.Constant(0.5625)), fit);
        var erfc = g.Op("Div", g.Op("Exp", exponent), ax);
        var tail = g.Op("Mul", sign, g.Op("Sub", g.Constant(1), erfc));
        // |x| ≥ 6: ±1, since 1 − erfc(6) rounds to 1 in float64.
        var large = g.Op("Where", g.Op("Less", ax, g.Constant(6)), tail, sign);
        return g.Op("Where", g.Op("Less", ax, g.Constant(0.84375)), small,
            g.Op("Where", g.Op("Less", ax, g.Constant(1.25)), near1, large));
    }

    /// <summary>P(v)/Q(v) by Horner's rule, coefficients from the constant term up.</summary>
    private static OnnxValue Ratio(OnnxOpBuilder g, OnnxValue v, double[] p, double[] q) => g.Op("Div", Horner(g, v, p), Horner(g, v, q));

    private static OnnxValue Horner(OnnxOpBuilder g, OnnxValue v, double[] coefficients)
    {
        var sum = g.Constant(coefficients[^1]);
        for (int k = coefficients.Length - 2; k >= 0; k--)
        {
            sum = g.Op("Add", g.Constant(coefficients[k]), g.Op("Mul", v, sum));
        }
        return sum;
    }
}
