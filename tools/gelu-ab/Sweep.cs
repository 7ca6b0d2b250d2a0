using System.Runtime.Intrinsics;
using MiniTorch.Kernels;

namespace MiniTorch.GeluAb;

/// <summary>
/// Every float magnitude up to +∞ (the two polynomials' ranges and the saturated ±1), with the sign alternating in runs
/// of 64, through <see cref="ErfFloat32.ErfForRounding"/> against <c>(float)ErfOp.Erf</c>: mismatching results (must
/// be 0), how many lanes fell back to the exact form, and each polynomial's own float64 error in ulps of fdlibm's
/// result (what the midpoint test's margin must exceed).
/// </summary>
internal static class Sweep
{
    public static void Run()
    {
        int end = BitConverter.SingleToInt32Bits(float.PositiveInfinity) + 1;
        int threads = Environment.ProcessorCount;
        long mismatches = 0, fallbacks = 0, worstUlp = 0, middleFallbacks = 0, middleWorstUlp = 0;
        float worstAt = 0, middleWorstAt = 0;
        var gate = new object();
        Parallel.For(0, threads, t =>
        {
            long mm = 0, fb = 0, wu = 0, mfb = 0, mwu = 0;
            float wa = 0, mwa = 0;
            var x = new float[4096];
            var y = new float[4096];
            for (long start = t * 4096L; start < end; start += threads * 4096L)
            {
                int n = (int)Math.Min(4096, end - start);
                for (int i = 0; i < n; i++)
                {
                    x[i] = BitConverter.Int32BitsToSingle((int)start + i) * ((i & 64) == 0 ? 1 : -1);
                }
                ErfFloat32.Erf(x.AsSpan(0, n), y.AsSpan(0, n));
                for (int i = 0; i < n; i++)
                {
                    double f = ErfOp.Erf(x[i]);
                    if (BitConverter.SingleToInt32Bits((float)f) != BitConverter.SingleToInt32Bits(y[i]))
                    {
                        mm++;
                    }
                    if (Math.Abs(x[i]) < ErfFloat32.PolynomialLimit && Math.Abs(x[i]) >= 3.7252902984e-09)
                    {
                        Track(Polynomial(x[i]), f, x[i], ref wu, ref wa, ref fb);
                    }
                    else if (Math.Abs(x[i]) >= ErfFloat32.PolynomialLimit && Math.Abs(x[i]) < ErfFloat32.SaturationLimit)
                    {
                        Track(Math.CopySign(Middle(Math.Abs(x[i])), x[i]), f, x[i], ref mwu, ref mwa, ref mfb);
                    }
                }
            }
            lock (gate)
            {
                mismatches += mm;
                fallbacks += fb;
                middleFallbacks += mfb;
                if (mwu > middleWorstUlp)
                {
                    middleWorstUlp = mwu;
                    middleWorstAt = mwa;
                }
                if (wu > worstUlp)
                {
                    worstUlp = wu;
                    worstAt = wa;
                }
            }
        });
        Console.WriteLine($"Vector512={Vector512.IsHardwareAccelerated}: {end} floats of |x| ≤ ∞ (sign alternating in runs of 64): " +
            $"{mismatches} differ from (float)ErfOp.Erf; polynomial lanes near a midpoint (redone exactly): {fallbacks}; " +
            $"polynomial error ≤ {worstUlp} float64 ulps of fdlibm's (at x = {worstAt:R}); middle polynomial ({ErfFloat32.PolynomialLimit} ≤ |x| < " +
            $"{ErfFloat32.SaturationLimit}): {middleFallbacks} lanes redone, error ≤ {middleWorstUlp} ulps (at x = {middleWorstAt:R}); margin {ErfFloat32.MidpointMargin}");
    }

    /// <summary>A polynomial's value <paramref name="e"/> at <paramref name="x"/> against fdlibm's <paramref name="f"/>: the worst distance in float64 ulps so far and where, and whether the midpoint test redoes it.</summary>
    private static void Track(double e, double f, float x, ref long worst, ref float worstAt, ref long redone)
    {
        long d = Math.Abs(BitConverter.DoubleToInt64Bits(e) - BitConverter.DoubleToInt64Bits(f));
        if (d > worst)
        {
            worst = d;
            worstAt = x;
        }
        // The kernel's own midpoint test, on a vector holding e.
        redone += DoubleSimd256.NearFloat32MidpointMask(Vector256.Create(e), ErfFloat32.MidpointMargin) != 0 ? 1 : 0;
    }

    /// <summary>The middle interval's polynomial in |x|, one lane of the vector code's own evaluation.</summary>
    private static double Middle(double ax) =>
        ErfFloat32.MiddlePolynomial<DoubleSimd256, Vector256<double>>(Vector256.Create(ax)).GetElement(0);

    /// <summary>The polynomial as the vector code evaluates it (fused multiply-adds), one lane.</summary>
    private static double Polynomial(double x)
    {
        double z = x * x;
        double p = Math.FusedMultiplyAdd(ErfFloat32.C11, z, ErfFloat32.C10);
        foreach (double c in new[] { ErfFloat32.C9, ErfFloat32.C8, ErfFloat32.C7, ErfFloat32.C6, ErfFloat32.C5, ErfFloat32.C4, ErfFloat32.C3, ErfFloat32.C2, ErfFloat32.C1, ErfFloat32.C0 })
        {
            p = Math.FusedMultiplyAdd(p, z, c);
        }
        return Math.FusedMultiplyAdd(x, p, x);
    }
}
