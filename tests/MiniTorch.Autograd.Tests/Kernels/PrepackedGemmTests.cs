using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// <see cref="PrepackedGemm{T}"/> (A packed once, reused for several B) against <see cref="Gemm.Multiply{T}"/> on one
/// thread: the same blocks, loop order and micro-kernels, so every element must be bit-identical, on sizes with edge
/// tiles and across the KC and MC block edges, A row-major or transposed, accumulating or not, at both vector widths.
/// </summary>
[Collection(GemmWidthCollection.Name)]
public class PrepackedGemmTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 2, 3, 2 },
        { 7, 5, 9 },
        { 64, 288, 256 },  // a 32→64-channel 3×3 convolution's forward on 16×16
        { 288, 64, 256 },  // its input gradient (Wᵀ·gy)
        { 13, 400, 33 },   // crosses KC
        { 230, 40, 17 },   // crosses MC
        { 32, 27, 1024 },  // a 3→32-channel 3×3 convolution's forward on 32×32
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesGemmMultiplyBitForBit(int m, int k, int n)
    {
        foreach (bool allow512 in new[] { true, false })
        {
            using var settings = new KernelSettings(allow512);
            Check<float>(m, k, n);
            Check<double>(m, k, n);
        }
    }

    public static TheoryData<int, int, int, int, int, int, int> Windows => new()
    {
        // channels, height, width, kernel (square), stride, padding, dilation
        { 32, 16, 16, 3, 1, 1, 1 },   // the 32→64 benchmark's window: rows cross the KC block edge inside a channel
        { 3, 9, 7, 3, 1, 1, 1 },
        { 5, 11, 13, 3, 2, 1, 1 },
        { 4, 10, 9, 3, 1, 2, 2 },
        { 2, 7, 40, 5, 1, 0, 1 },     // 36 positions per row: a last strip narrower than two vectors
        { 30, 6, 6, 2, 1, 0, 1 },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void ImplicitColumnsMatchTheUnfoldedColumnMatrixBitForBit(int channels, int h, int w, int kernel, int stride, int padding, int dilation)
    {
        foreach (bool allow512 in new[] { true, false })
        {
            using var settings = new KernelSettings(allow512);
            var window = new WindowGeometry(1, channels, h, w, kernel, kernel, stride, stride, padding, padding, dilation, dilation);
            CheckColumns<float>(window, 7);
            CheckColumns<double>(window, 13);
        }
    }

    private static void CheckColumns<T>(WindowGeometry window, int m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(window.C * 100 + window.W);
        int k = window.Rows, l = window.Positions, offset = 5;
        T[] x = KernelTestData.Uniform<T>(random, offset + window.C * window.H * window.W), a = KernelTestData.Uniform<T>(random, m * k);
        var cols = new T[k * l];
        Im2ColKernel.UnfoldSample(x, offset, cols, window);
        var packed = PrepackedGemm<T>.ForThisThread;
        packed.Pack(m, k, StridedMatrix<T>.RowMajor(a, 0, k));
        T[] expected = new T[m * l], actual = new T[m * l];
        packed.Multiply(l, StridedMatrix<T>.RowMajor(cols, 0, l), expected, 0, l, accumulate: false);
        packed.Multiply(l, new ConvColumnPanels<T>(x, offset, window), actual, 0, l, accumulate: false);
        packed.Clear();
        Assert.Equal(expected, actual);
    }

    private static void Check<T>(int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(m * 1000 + k * 10 + n);
        T[] a = KernelTestData.Uniform<T>(random, m * k), b1 = KernelTestData.Uniform<T>(random, k * n), b2 = KernelTestData.Uniform<T>(random, k * n);
        foreach (bool transposedA in new[] { false, true })
        {
            // Transposed: the same m × k matrix stored column-major (element (i, p) at p·m + i), as the input gradient reads Wᵀ.
            var am = transposedA ? new StridedMatrix<T>(a, 0, 1, m) : StridedMatrix<T>.RowMajor(a, 0, k);
            foreach (bool accumulate in new[] { false, true })
            {
                var packed = PrepackedGemm<T>.ForThisThread;
                packed.Pack(m, k, am);
                foreach (var b in new[] { b1, b2 })
                {
                    T[] start = KernelTestData.Uniform<T>(random, m * n);
                    T[] expected = (T[])start.Clone(), actual = (T[])start.Clone();
                    Gemm.Multiply(m, n, k, am, StridedMatrix<T>.RowMajor(b, 0, n), expected, 0, n, accumulate, maxThreads: 1);
                    packed.Multiply(n, StridedMatrix<T>.RowMajor(b, 0, n), actual, 0, n, accumulate);
                    Assert.Equal(expected, actual);
                }
                packed.Clear();
            }
        }
    }
}
