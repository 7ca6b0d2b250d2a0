using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

// The GEMM picks its register block by the machine's vector width (Vector512 or Vector256), so each machine
// tests the path it runs; the shapes cover full blocks, the column and row remainders, and the parallel split.
public class GemmTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 },
        { 4, 3, 16 },
        { 4, 7, 32 },
        { 5, 9, 17 },
        { 7, 33, 40 },
        { 8, 16, 64 },
        { 13, 5, 71 },
        { 130, 129, 131 }, // above the parallel threshold (2^21 multiply-adds)
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FloatMatchesNaiveProduct(int m, int k, int n)
    {
        var random = new Random(m * 10007 + k * 101 + n);
        const int aOffset = 3, bOffset = 5, cOffset = 2;
        var a = RandomArray<float>(random, aOffset + m * k);
        var b = RandomArray<float>(random, bOffset + k * n);
        var c = new float[cOffset + m * n + 4];
        Array.Fill(c, float.NaN); // must be overwritten inside the product, untouched outside it
        Gemm.Multiply(a, aOffset, b, bOffset, c, cOffset, m, k, n);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double expected = 0;
                for (int p = 0; p < k; p++)
                {
                    expected += (double)a[aOffset + i * k + p] * b[bOffset + p * n + j];
                }
                Assert.True(Math.Abs(c[cOffset + i * n + j] - expected) <= 1e-4 * (1 + Math.Abs(expected)) * Math.Sqrt(k),
                    $"C[{i},{j}] of ({m}x{k})·({k}x{n}): expected {expected}, got {c[cOffset + i * n + j]}");
            }
        }
        Assert.True(float.IsNaN(c[0]) && float.IsNaN(c[1]) && float.IsNaN(c[cOffset + m * n]));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DoubleMatchesNaiveProduct(int m, int k, int n)
    {
        var random = new Random(m * 7919 + k * 31 + n);
        var a = RandomArray<double>(random, m * k);
        var b = RandomArray<double>(random, k * n);
        var c = new double[m * n];
        Gemm.Multiply(a, 0, b, 0, c, 0, m, k, n);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double expected = 0;
                for (int p = 0; p < k; p++)
                {
                    expected += a[i * k + p] * b[p * n + j];
                }
                Assert.Equal(expected, c[i * n + j], 1e-12 * (1 + Math.Abs(expected)) * k);
            }
        }
    }

    [Fact]
    public void EmptyInnerDimensionGivesZeros()
    {
        var c = new float[] { 1, 2, 3, 4, 5, 6 };
        Gemm.Multiply(Array.Empty<float>(), 0, Array.Empty<float>(), 0, c, 0, 2, 0, 3);
        Assert.All(c, v => Assert.Equal(0f, v));
    }

    private static T[] RandomArray<T>(Random random, int length) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var data = new T[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = T.CreateTruncating(random.NextDouble() * 2 - 1);
        }
        return data;
    }
}
