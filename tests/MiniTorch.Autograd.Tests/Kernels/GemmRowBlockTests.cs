using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// A row split whose B is one column panel runs up to four row blocks per thread, each thread packing B once and
/// reusing it for the blocks it takes (and a column split whose A is one row block, column blocks), and batches of small products run in up to four ranges of items per thread.
/// The products must not depend on the thread count or on which thread took which part (bit for bit), must stay
/// within the GEMM's error bound, and a thread's packed A or B must never leak into another product.
/// </summary>
[Collection(GemmWidthCollection.Name)]
public class GemmRowBlockTests
{
    public static TheoryData<int, int, int, bool> Shapes => new()
    {
        { 600, 130, 70, false },  // row split, B in one K block
        { 700, 450, 100, true },  // B in three K blocks (KC = 192 or 128), all kept
        { 1024, 128, 384, true }, // the transformer's x·Wᵀ
        { 500, 64, 33, false },   // a narrow last strip
        { 64, 784, 256, true },   // column split, A in one row block: the batch-64 MLP's x·Wᵀ
        { 100, 300, 520, false }, // column split, an edge row strip and a narrow last column strip
        { 100, 6000, 400, false }, // column split with A too large to keep whole: two halves, A packed per block
        { 1400, 700, 1400, false }, // k·n ≥ 2¹⁹: B's panels packed once and shared, 4–6 K blocks, two column panels on AVX-512
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ResultDoesNotDependOnTheThreadCount(int m, int k, int n, bool transposedB)
    {
        foreach (bool wide in new[] { true, false })
        {
            using var settings = new KernelSettings(allowVector512: wide);
            var (a, b) = Operands(m, k, n, transposedB, seed: m + n);
            var one = Product(a, b, m, k, n, threads: 1, accumulateOnto: null);
            foreach (int threads in new[] { 2, 3, 4 })
            {
                AssertBits(one, Product(a, b, m, k, n, threads, accumulateOnto: null), $"{threads} threads, AVX-512 {wide}");
            }
            var start = Values(m * n, seed: 7);
            AssertBits(Product(a, b, m, k, n, 1, start), Product(a, b, m, k, n, 4, start), $"accumulating, AVX-512 {wide}");
        }
    }

    [Fact]
    public void ProductIsWithinTheErrorBoundOnFourThreads()
    {
        foreach (int threads in new[] { 2, 4 })
        {
            GemmTests.Check<float>(700, 450, 100, GemmTests.Layout.RowMajor, GemmTests.Layout.ColumnMajor, threads, accumulate: false);
            GemmTests.Check<double>(600, 130, 70, GemmTests.Layout.ColumnMajor, GemmTests.Layout.RowMajor, threads, accumulate: true);
            GemmTests.Check<float>(90, 333, 700, GemmTests.Layout.ColumnMajor, GemmTests.Layout.RowMajor, threads, accumulate: true);
            GemmTests.Check<double>(50, 260, 400, GemmTests.Layout.Strided, GemmTests.Layout.ColumnMajor, threads, accumulate: false);
        }
    }

    [Fact]
    public void APackedAIsNeverReusedByTheNextProduct()
    {
        const int m = 96, k = 500, n = 640;
        var (a1, b) = Operands(m, k, n, transposedB: false, seed: 3);
        var (a2, _) = Operands(m, k, n, transposedB: false, seed: 4);
        var expected1 = Product(a1, b, m, k, n, 1, null);
        var expected2 = Product(a2, b, m, k, n, 1, null);
        for (int i = 0; i < 3; i++)
        {
            AssertBits(expected1, Product(a1, b, m, k, n, 2, null), "first product");
            AssertBits(expected2, Product(a2, b, m, k, n, 2, null), "second product");
        }
    }

    [Fact]
    public void APackedBIsNeverReusedByTheNextProduct()
    {
        // The same shapes and strides, other values: a thread that kept the first product's packed B would give the
        // first product's result for the second; a single-thread product in between packs into the same buffer.
        const int m = 800, k = 300, n = 96;
        var (a, b1) = Operands(m, k, n, transposedB: true, seed: 1);
        var (_, b2) = Operands(m, k, n, transposedB: true, seed: 2);
        var expected1 = Product(a, b1, m, k, n, 1, null);
        var expected2 = Product(a, b2, m, k, n, 1, null);
        Assert.NotEqual(expected1, expected2);
        for (int i = 0; i < 3; i++)
        {
            AssertBits(expected1, Product(a, b1, m, k, n, 2, null), "first product");
            AssertBits(expected2, Product(a, b2, m, k, n, 2, null), "second product");
            AssertBits(expected1, Product(a, b1, m, k, n, 1, null), "single-thread product in between");
        }
    }

    [Fact]
    public void BatchesOfSmallProductsDoNotDependOnTheThreadCount()
    {
        // Small products are spread over the threads in a few ranges of items per thread: 37 items (no multiple of
        // any range count) through MultiplyBatched, and the attention's q·kᵀ on permuted heads through the grid batch.
        const int batch = 37, m = 40, k = 24, n = 48;
        var a = new StridedMatrix<float>(Values(batch * m * k, 11), 0, k, 1);
        var b = new StridedMatrix<float>(Values(batch * n * k, 12), 0, 1, k);
        var qkv = Tensor.FromArray(Values(16 * 64 * 3 * 4 * 32, 13)).Reshape(16, 64, 3, 4, 32).Permute(2, 0, 3, 1, 4);
        var (q, key) = (qkv.Select(0, 0), qkv.Select(0, 1));
        float[]? batched = null, scores = null;
        foreach (int threads in new[] { 1, 2, 3, 4 })
        {
            using var settings = new KernelSettings(Gemm.AllowVector512, threads);
            var c = new float[batch * m * n];
            Gemm.MultiplyBatched(batch, m, n, k, a, m * k, b, n * k, c, 0, m * n, n);
            var s = q.Matmul(key.Transpose(-2, -1)).ToFloatArray();
            batched ??= c;
            scores ??= s;
            AssertBits(batched, c, $"MultiplyBatched on {threads} threads");
            AssertBits(scores, s, $"attention scores on {threads} threads");
        }
    }

    private static (StridedMatrix<float> A, StridedMatrix<float> B) Operands(int m, int k, int n, bool transposedB, int seed)
    {
        var af = Values(m * k, seed);
        var bf = Values(k * n, seed + 1000);
        // A transposed B is a row-major n × k weight read as k × n (x·Wᵀ).
        return (new StridedMatrix<float>(af, 0, k, 1), transposedB ? new StridedMatrix<float>(bf, 0, 1, k) : new StridedMatrix<float>(bf, 0, n, 1));
    }

    private static float[] Values(int count, int seed)
    {
        var values = new double[count];
        new Generator(seed).FillNormal(values, 0, 1);
        return Array.ConvertAll(values, v => (float)v);
    }

    private static float[] Product(StridedMatrix<float> a, StridedMatrix<float> b, int m, int k, int n, int threads, float[]? accumulateOnto)
    {
        var c = accumulateOnto is null ? new float[m * n] : (float[])accumulateOnto.Clone();
        Gemm.Multiply(m, n, k, a, b, c, 0, n, accumulate: accumulateOnto is not null, maxThreads: threads);
        return c;
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}: element {i}: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }
}
