using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// The packed GEMM (and its GEMV path) against a naive double-accumulating product, on sizes that leave edge tiles
/// and cross the KC/MC/NC block edges, with operands read row-major, transposed (column-major) and strided, on one
/// thread and split over two. Unused elements around every operand are NaN, so reading outside a matrix shows.
/// </summary>
/// <remarks>
/// Tolerance: C[i,j] is k fused multiply-adds (plus one addition per KC block and, when accumulating, one into the old
/// C), each rounding by at most half an ulp, so |error| ≤ (k + 2)·ε·Σₚ|A[i,p]·B[p,j]| (+ ε·|old C|) with ε the
/// machine epsilon; the check uses that bound, not a loose relative tolerance.
/// </remarks>
public class GemmTests
{
    public enum Layout
    {
        RowMajor,
        ColumnMajor,
        Strided,
    }

    public static TheoryData<int, int, int> SquareAndOddShapes => new()
    {
        { 1, 1, 1 },
        { 2, 2, 2 },
        { 7, 7, 7 },
        { 31, 31, 31 },
        { 33, 33, 33 },
        { 65, 65, 65 },
        { 6, 1, 16 },
        { 5, 9, 17 },
        { 13, 70, 3 },
        { 130, 300, 40 },  // crosses KC = 256 and, for float, MC = 126
        { 61, 257, 97 },   // crosses KC and, for double, MC = 60
        { 3, 5, 2100 },    // crosses NC (2048 float, 1024 double)
        { 200, 3, 1030 },
    };

    public static IEnumerable<object[]> AllLayouts()
    {
        foreach (var la in Enum.GetValues<Layout>())
        {
            foreach (var lb in Enum.GetValues<Layout>())
            {
                yield return [la, lb];
            }
        }
    }

    [Theory]
    [MemberData(nameof(SquareAndOddShapes))]
    public void Float_AllLayouts_OneAndTwoThreads(int m, int k, int n)
    {
        foreach (var layouts in AllLayouts())
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Check<float>(m, k, n, (Layout)layouts[0], (Layout)layouts[1], threads, accumulate: false);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SquareAndOddShapes))]
    public void Double_AllLayouts_OneAndTwoThreads(int m, int k, int n)
    {
        foreach (var layouts in AllLayouts())
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Check<double>(m, k, n, (Layout)layouts[0], (Layout)layouts[1], threads, accumulate: false);
            }
        }
    }

    [Theory]
    [InlineData(257, 257, 257, Layout.RowMajor, Layout.RowMajor)]
    [InlineData(257, 257, 257, Layout.ColumnMajor, Layout.RowMajor)]
    [InlineData(257, 257, 257, Layout.RowMajor, Layout.ColumnMajor)]
    [InlineData(257, 129, 300, Layout.Strided, Layout.Strided)]
    [InlineData(300, 100, 20, Layout.RowMajor, Layout.RowMajor)] // more rows than columns: split by rows
    public void LargeProducts_SplitOverThreads(int m, int k, int n, Layout la, Layout lb)
    {
        Check<float>(m, k, n, la, lb, 2, accumulate: false);
        Check<double>(m, k, n, la, lb, 2, accumulate: false);
        Check<float>(m, k, n, la, lb, 3, accumulate: false);
    }

    [Theory]
    [InlineData(33, 300, 35)]
    [InlineData(1, 40, 33)]
    [InlineData(33, 40, 1)]
    [InlineData(130, 129, 131)]
    public void Accumulate_AddsToC(int m, int k, int n)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            Check<float>(m, k, n, Layout.RowMajor, Layout.ColumnMajor, threads, accumulate: true);
            Check<double>(m, k, n, Layout.ColumnMajor, Layout.RowMajor, threads, accumulate: true);
        }
    }

    [Theory]
    [InlineData(10000, 100, 1)] // X·w of a linear regression
    [InlineData(100, 10000, 1)] // its backward Xᵀ·g, with A = Xᵀ column-major
    [InlineData(1, 100, 10000)] // gᵀ·X
    [InlineData(1, 1, 1)]
    [InlineData(7, 3, 1)]
    [InlineData(1, 3, 7)]
    [InlineData(37, 1000, 1)]
    public void MatrixVectorShapes(int m, int k, int n)
    {
        foreach (var layouts in AllLayouts())
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Check<float>(m, k, n, (Layout)layouts[0], (Layout)layouts[1], threads, accumulate: false);
            }
        }
        Check<double>(m, k, n, Layout.ColumnMajor, Layout.Strided, 2, accumulate: false);
        Check<double>(m, k, n, Layout.RowMajor, Layout.RowMajor, 2, accumulate: true);
    }

    [Fact]
    public void EmptyInnerDimension_GivesZerosOrLeavesC()
    {
        var c = new float[] { 1, 2, 3, 4, 5, 6 };
        var none = StridedMatrix<float>.RowMajor([], 0, 0);
        Gemm.Multiply(2, 3, 0, none, none, c, 0, 3, accumulate: true);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, c);
        Gemm.Multiply(2, 3, 0, none, none, c, 0, 3);
        Assert.All(c, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void EmptyOutput_TouchesNothing()
    {
        var c = new double[] { double.NaN };
        var a = StridedMatrix<double>.RowMajor(new double[12], 0, 4);
        Gemm.Multiply(0, 3, 4, a, a.Transposed, c, 0, 3);
        Gemm.Multiply(3, 0, 4, a, a.Transposed, c, 0, 0);
        Assert.True(double.IsNaN(c[0]));
    }

    [Fact]
    public void Batched_BroadcastAndStridedBatches()
    {
        // 5 products of (9×20)·(20×11); A shared by all (batch stride 0) as a convolution's weight is, B transposed per batch.
        const int batch = 5, m = 9, k = 20, n = 11;
        var random = new Random(5);
        var a = KernelTestData.Uniform<double>(random, m * k);
        var b = KernelTestData.Uniform<double>(random, batch * n * k);
        var c = new double[batch * m * n];
        foreach (int threads in new[] { 1, 2 })
        {
            int saved = Parallelism.MaxThreads;
            try
            {
                Parallelism.MaxThreads = threads;
                Array.Fill(c, double.NaN);
                Gemm.MultiplyBatched(batch, m, n, k, StridedMatrix<double>.RowMajor(a, 0, k), 0,
                    new StridedMatrix<double>(b, 0, 1, k), n * k, c, 0, m * n, n);
            }
            finally
            {
                Parallelism.MaxThreads = saved;
            }
            for (int t = 0; t < batch; t++)
            {
                for (int i = 0; i < m; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        double expected = 0;
                        for (int p = 0; p < k; p++)
                        {
                            expected += a[i * k + p] * b[t * n * k + j * k + p];
                        }
                        Assert.Equal(expected, c[t * m * n + i * n + j], 1e-12);
                    }
                }
            }
        }
    }

    [Fact]
    public void MaxThreads_RejectsLessThanOne()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.MaxThreads = 0);
        Assert.Contains("at least 1", e.Message);
        Assert.True(Parallelism.MaxThreads >= 1);
    }

    internal static void Check<T>(int m, int k, int n, Layout la, Layout lb, int threads, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(HashCode.Combine(m, k, n, la, lb, threads, typeof(T)));
        var (aData, a) = MakeMatrix<T>(random, m, k, la, offset: 3);
        var (bData, b) = MakeMatrix<T>(random, k, n, lb, offset: 1);
        const int cOffset = 2;
        int ldc = n + 3;
        var c = new T[cOffset + Math.Max(0, m - 1) * ldc + n + 4];
        Array.Fill(c, T.NaN);
        var old = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (accumulate)
                {
                    old[i * n + j] = random.NextDouble() * 2 - 1;
                    c[cOffset + i * ldc + j] = T.CreateTruncating(old[i * n + j]);
                    old[i * n + j] = double.CreateTruncating(c[cOffset + i * ldc + j]);
                }
            }
        }
        Gemm.Multiply(m, n, k, a, b, c, cOffset, ldc, accumulate, threads);
        double eps = double.CreateTruncating(T.Epsilon == T.Zero ? T.Zero : MachineEpsilon<T>());
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double expected = old[i * n + j];
                double magnitude = Math.Abs(old[i * n + j]);
                for (int p = 0; p < k; p++)
                {
                    double product = double.CreateTruncating(aData[a.Offset + i * a.RowStride + p * a.ColStride])
                        * double.CreateTruncating(bData[b.Offset + p * b.RowStride + j * b.ColStride]);
                    expected += product;
                    magnitude += Math.Abs(product);
                }
                double got = double.CreateTruncating(c[cOffset + i * ldc + j]);
                double bound = (k + 2) * eps * magnitude;
                // The message is built only on failure: formatting it for every element would dominate the test's time.
                if (!(Math.Abs(got - expected) <= bound))
                {
                    Assert.Fail($"{typeof(T).Name} C[{i},{j}] of ({m}x{k})·({k}x{n}), {la}·{lb}, {threads} thread(s), accumulate {accumulate}: expected {expected}, got {got} (bound {bound}).");
                }
            }
        }
        // Outside the m × n block of C nothing may be written.
        for (int idx = 0; idx < c.Length; idx++)
        {
            int rel = idx - cOffset;
            bool inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside && !T.IsNaN(c[idx]))
            {
                Assert.Fail($"C was written outside the product at index {idx} ({m}x{k})·({k}x{n}).");
            }
        }
    }

    private static T MachineEpsilon<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => T.BitIncrement(T.One) - T.One;

    /// <summary>A rows × cols matrix in a NaN-filled array: row-major with padded rows, column-major (a transposed view), or with both strides above 1.</summary>
    private static (T[] Data, StridedMatrix<T> Matrix) MakeMatrix<T>(Random random, int rows, int cols, Layout layout, int offset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (rs, cs) = layout switch
        {
            Layout.RowMajor => (cols + 2, 1),
            Layout.ColumnMajor => (1, rows + 1),
            _ => (2 * cols + 3, 2),
        };
        int length = offset + (rows == 0 || cols == 0 ? 0 : (rows - 1) * rs + (cols - 1) * cs + 1) + 3;
        var data = new T[length];
        Array.Fill(data, T.NaN);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                data[offset + i * rs + j * cs] = T.CreateTruncating(random.NextDouble() * 2 - 1);
            }
        }
        return (data, new StridedMatrix<T>(data, offset, rs, cs));
    }
}
