using System.Globalization;
using Xunit.Sdk;

namespace MiniTorch.Tests.Golden;

/// <summary>Compares MiniTorch results with PyTorch's golden values, naming the case, the quantity and the element.</summary>
internal static class GoldenAssert
{
    // Both sides compute in float64 from the same inputs; only summation order and libm differ (~1e-15 relative),
    // and the golden values are stored with 15 significant digits. 1e-10 leaves room for cancellation, yet any
    // wrong formula is off by far more. Cases about tiny magnitudes set their own (smaller) absolute tolerance.
    public const double DefaultAbsoluteTolerance = 1e-10;
    private const double RelativeTolerance = 1e-10;

    public static void Close(GoldenTensor expected, Tensor? actual, string what, double absoluteTolerance = DefaultAbsoluteTolerance)
    {
        if (actual is null)
        {
            throw new XunitException($"{what}: MiniTorch gave no tensor; PyTorch 1.13 gave shape {Format(expected.Shape)}.");
        }
        if (!expected.Shape.SequenceEqual(actual.Shape))
        {
            throw new XunitException($"{what}: shape {Format(actual.Shape)} differs from PyTorch 1.13's {Format(expected.Shape)}.");
        }
        // Int64 outputs (Max(dim)'s indices) compare as numbers.
        var got = actual.DType == DType.Int64 ? Array.ConvertAll(actual.ToArray<long>(), static v => (double)v) : actual.ToDoubleArray();
        for (int i = 0; i < got.Length; i++)
        {
            double e = expected.Values[i];
            double g = got[i];
            bool same = e.Equals(g) // also NaN = NaN and equal infinities
                || Math.Abs(e - g) <= absoluteTolerance + RelativeTolerance * Math.Abs(e);
            if (!same)
            {
                throw new XunitException(
                    $"{what}: element {i} (index {IndexOf(i, expected.Shape)}) is {g.ToString("R", CultureInfo.InvariantCulture)}, " +
                    $"PyTorch 1.13 gives {e.ToString("R", CultureInfo.InvariantCulture)} (difference {Math.Abs(e - g):E2}).\n" +
                    $"  expected {Preview(expected.Values)}\n  actual   {Preview(got)}");
            }
        }
    }

    private static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";

    private static string IndexOf(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Format(index);
    }

    private static string Preview(double[] values) =>
        "[" + string.Join(", ", values.Take(12).Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + (values.Length > 12 ? ", ..." : "") + "]";
}
