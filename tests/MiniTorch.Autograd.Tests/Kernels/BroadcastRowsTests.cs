using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// A broadcast or strided elementwise op over a large result is split over the cores by whole rows; every element
/// must come out as the scalar IEEE operation gives it (a single rounding, which every vector width and split
/// reproduces), for 1, 2 and 4 threads, in place too, and with an operand that is part of the result.
/// </summary>
[Collection(GemmWidthCollection.Name)]
public class BroadcastRowsTests
{
    public static TheoryData<int> Threads => new() { 1, 2, 4 };

    [Theory]
    [MemberData(nameof(Threads))]
    public void BiasAddedToABatchOfRowsIsExact(int threads)
    {
        using var settings = new KernelSettings(Gemm.AllowVector512, threads);
        // [1027, 67] + [67]: 68,809 elements, past the parallel threshold; rows no multiple of a vector.
        var (x, bias) = (Data(1027 * 67, 1), Data(67, 2));
        var sum = (Tensor.FromArray(x).Reshape(1027, 67) + Tensor.FromArray(bias)).ToFloatArray();
        for (int i = 0; i < 1027; i++)
        {
            for (int j = 0; j < 67; j++)
            {
                AssertBits(x[i * 67 + j] + bias[j], sum[i * 67 + j], i, j);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Threads))]
    public void ColumnAgainstRowIsExactOnBothSides(int threads)
    {
        using var settings = new KernelSettings(Gemm.AllowVector512, threads);
        // [300, 1] − [1, 250]: the first operand is a scalar per row, the second a row.
        var (a, b) = (Data(300, 3), Data(250, 4));
        var difference = (Tensor.FromArray(a).Reshape(300, 1) - Tensor.FromArray(b).Reshape(1, 250)).ToFloatArray();
        var reversed = (Tensor.FromArray(b).Reshape(1, 250) - Tensor.FromArray(a).Reshape(300, 1)).ToFloatArray();
        for (int i = 0; i < 300; i++)
        {
            for (int j = 0; j < 250; j++)
            {
                AssertBits(a[i] - b[j], difference[i * 250 + j], i, j);
                AssertBits(b[j] - a[i], reversed[i * 250 + j], i, j);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Threads))]
    public void StridedBroadcastOperandIsGatheredPerRow(int threads)
    {
        using var settings = new KernelSettings(Gemm.AllowVector512, threads);
        // x [64, 40, 30] times w [1, 30, 40] transposed to [1, 40, 30]: inner stride 40, broadcast over the batch.
        var (x, w) = (Data(64 * 40 * 30, 5), Data(30 * 40, 6));
        var product = (Tensor.FromArray(x).Reshape(64, 40, 30) * Tensor.FromArray(w).Reshape(1, 30, 40).Transpose(1, 2)).ToFloatArray();
        for (int n = 0; n < 64; n++)
        {
            for (int i = 0; i < 40; i++)
            {
                for (int j = 0; j < 30; j++)
                {
                    int at = (n * 40 + i) * 30 + j;
                    AssertBits(x[at] * w[j * 40 + i], product[at], n * 40 + i, j);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Threads))]
    public void InPlaceBiasIsExact(int threads)
    {
        using var settings = new KernelSettings(Gemm.AllowVector512, threads);
        var (x, bias) = (Data(700 * 128, 7), Data(128, 8));
        var t = Tensor.FromArray((float[])x.Clone()).Reshape(700, 128);
        t.AddInPlace(Tensor.FromArray(bias));
        var result = t.ToFloatArray();
        for (int i = 0; i < 700; i++)
        {
            for (int j = 0; j < 128; j++)
            {
                AssertBits(x[i * 128 + j] + bias[j], result[i * 128 + j], i, j);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Threads))]
    public void InPlaceOperandThatIsARowOfTheResultReadsItsOldValues(int threads)
    {
        using var settings = new KernelSettings(Gemm.AllowVector512, threads);
        // t += t[5]: the operand is a row of the result, so however the rows are split, every row must add row 5's
        // values from before the op (PyTorch's result for an operand that overlaps the output), not updated ones.
        var x = Data(600 * 128, 9);
        var t = Tensor.FromArray((float[])x.Clone()).Reshape(600, 128);
        t.AddInPlace(t.Select(0, 5));
        var result = t.ToFloatArray();
        var expected = (float[])x.Clone();
        for (int i = 0; i < 600; i++)
        {
            for (int j = 0; j < 128; j++)
            {
                expected[i * 128 + j] = x[i * 128 + j] + x[5 * 128 + j];
            }
        }
        for (int k = 0; k < expected.Length; k++)
        {
            AssertBits(expected[k], result[k], k / 128, k % 128);
        }
    }

    [Theory]
    [InlineData(new[] { 10000, 1 }, new[] { 0, 1 }, new[] { 1, 1 }, new[] { 10000 }, new[] { 0 }, new[] { 1 })] // a scalar's gradient expanded to [N, 1]
    [InlineData(new[] { 8, 1, 5 }, new[] { 5, 7, 1 }, new[] { 1, 3, 0 }, new[] { 8, 5 }, new[] { 5, 1 }, new[] { 1, 0 })] // a size-1 middle dim
    [InlineData(new[] { 8, 1, 5 }, new[] { 5, 7, 1 }, new[] { 0, 3, 0 }, new[] { 40 }, new[] { 1 }, new[] { 0 })] // the same, then one run
    [InlineData(new[] { 4, 3, 1, 1 }, new[] { 3, 1, 1, 1 }, new[] { 0, 1, 9, 9 }, new[] { 4, 3 }, new[] { 3, 1 }, new[] { 0, 1 })] // [N, C, 1, 1]
    [InlineData(new[] { 2, 3, 4 }, new[] { 12, 4, 1 }, new[] { 0, 4, 1 }, new[] { 2, 12 }, new[] { 12, 1 }, new[] { 0, 1 })] // plain merge
    [InlineData(new[] { 2, 3 }, new[] { 1, 2 }, new[] { 3, 1 }, new[] { 2, 3 }, new[] { 1, 2 }, new[] { 3, 1 })] // nothing to merge
    [InlineData(new[] { 1, 1 }, new[] { 1, 1 }, new[] { 0, 0 }, new[] { 1 }, new[] { 1 }, new[] { 0 })] // one element
    public void CoalescingDropsSizeOneDimsAndMergesRuns(int[] shape, int[] sa, int[] sb, int[] expectedShape, int[] expectedA, int[] expectedB)
    {
        var (merged, a, b) = StridedDims.Coalesce(shape, sa, sb);
        Assert.Equal(expectedShape, merged);
        Assert.Equal(expectedA, a);
        Assert.Equal(expectedB, b);
    }

    [Theory]
    [MemberData(nameof(Threads))]
    public void GradientOfAColumnExpandedFromAScalarIsExact(int threads)
    {
        using var settings = new KernelSettings(Gemm.AllowVector512, threads);
        // The linear-regression case: d(sum)/d(pred) is a scalar expanded to [N, 1], multiplied by a [N, 1] column.
        var x = Data(70000, 10);
        var expanded = Tensor.FromArray(new[] { 2.5f }).Reshape(1, 1).Expand(70000, 1);
        var product = (expanded * Tensor.FromArray(x).Reshape(70000, 1)).ToFloatArray();
        for (int i = 0; i < x.Length; i++)
        {
            AssertBits(2.5f * x[i], product[i], i, 0);
        }
    }

    private static float[] Data(int n, int seed)
    {
        var g = new Generator(seed);
        var d = new double[n];
        g.FillNormal(d, 0, 3);
        return Array.ConvertAll(d, v => (float)v);
    }

    private static void AssertBits(float expected, float actual, int row, int column)
    {
        if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual))
        {
            Assert.Fail($"row {row}, column {column}: expected {expected:R}, got {actual:R}");
        }
    }
}
