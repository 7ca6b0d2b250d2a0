namespace MiniTorch.Optim.Tests.Support;

internal static class Assertions
{
    /// <summary>Asserts |expected − actual| ≤ rtol·|expected| + atol elementwise, naming the first index that differs.</summary>
    public static void Close(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double rtol, double atol = 0, string what = "")
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            double e = expected[i];
            double a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a))
            {
                continue;
            }
            double tolerance = rtol * Math.Abs(e) + atol;
            Assert.True(Math.Abs(e - a) <= tolerance, $"{what} index {i}: expected {e:R}, got {a:R} (difference {Math.Abs(e - a):E3}, tolerance {tolerance:E3})");
        }
    }

    /// <summary>The relative tolerance of a golden comparison: float32 keeps about 7 digits, float64 about 16.</summary>
    public static double RelativeTolerance(DType dtype) => dtype == DType.Float32 ? 1e-6 : 1e-12;

    /// <summary>
    /// The absolute floor of a golden comparison, for elements that pass near zero: there a relative bound is
    /// meaningless, and rounding in earlier steps (of size ulp(1)) decides the last digits.
    /// </summary>
    public static double AbsoluteTolerance(DType dtype) => dtype == DType.Float32 ? 1e-7 : 1e-14;
}
