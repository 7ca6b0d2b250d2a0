using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// <see cref="ConvBatchedForward{T}"/> (the samples' columns side by side, packed strip by strip from a zero-gapped
/// copy of the planes) against the per-sample products it replaces: every output bit-identical, with and without a bias,
/// float32 and float64, at both vector widths, on one thread and split over two, for batches of 1, 7 and 33 and
/// windows with one input channel, odd heights, padding other than "same" in height, dilation, 5×5 and 1×3 kernels and
/// a reduction longer than one KC block. Geometries the path does not take (stride 2, groups, a 1×1 window, positions
/// not a whole number of vectors) are checked to stay with the per-sample products. The switches are global, so this
/// runs in the non-parallel GEMM-width collection.
/// </summary>
[Collection(GemmWidthCollection.Name)]
public class ConvBatchedForwardTests
{
    public static TheoryData<int, int, int, int, int, int, int, int, int, int> Windows => new()
    {
        // channels, height, width, out channels, kernel h, kernel w, pad h, pad w, dilation h, dilation w
        { 1, 8, 8, 16, 3, 3, 1, 1, 1, 1 },     // the digits CNN's first layer: one input channel
        { 16, 4, 4, 32, 3, 3, 1, 1, 1, 1 },    // its second: 16 positions, one vector per sample at AVX-512
        { 32, 16, 16, 64, 3, 3, 1, 1, 1, 1 },  // k = 288: two KC blocks (the second added to the first)
        { 3, 7, 16, 5, 3, 3, 1, 1, 1, 1 },     // odd height, 5 filters (an edge tile of rows)
        { 2, 9, 32, 13, 3, 3, 2, 2, 2, 2 },    // dilation 2
        { 4, 10, 16, 7, 3, 3, 0, 1, 1, 1 },    // no padding in height: 8 output rows of 10
        { 1, 5, 16, 3, 5, 5, 2, 2, 1, 1 },     // 5×5 over one channel
        { 3, 6, 8, 9, 1, 3, 0, 1, 1, 1 },      // 1×3
        { 2, 12, 16, 4, 3, 3, 3, 1, 2, 1 },    // taller padding than the window reaches: whole rows of zeros
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void MatchesThePerSampleProductsBitForBit(int c, int h, int w, int o, int kh, int kw, int ph, int pw, int dh, int dw)
    {
        ConvPathSettings.ForEach(c, h, w, o, kh, kw, ph, pw, dh, dw, [1, 2], (g, _) =>
        {
            Check<float>(g);
            Check<double>(g);
        });
    }

    public static TheoryData<int, int, int, int, int, int, int> Others => new()
    {
        // channels, height, width, out channels, kernel, stride, groups
        { 4, 8, 8, 6, 3, 2, 1 },   // stride 2
        { 4, 8, 8, 6, 3, 1, 2 },   // two groups
        { 4, 8, 8, 6, 1, 1, 1 },   // 1×1: the input is the column matrix
        { 4, 7, 7, 6, 3, 1, 1 },   // 49 positions: not a whole number of vectors
        { 4, 8, 8, 1, 3, 1, 1 },   // one filter: a matrix-vector product
        { 0, 8, 8, 6, 3, 1, 1 },   // no input channels: the output is the bias
    };

    [Theory]
    [MemberData(nameof(Others))]
    public void OtherGeometriesKeepThePerSampleProducts(int c, int h, int w, int o, int kernel, int stride, int groups)
    {
        var g = OtherGeometry(c, h, w, o, kernel, stride, groups);
        Assert.False(ConvBatchedForward<float>.Applies(g));
        Assert.False(ConvBatchedForward<double>.Applies(g));
        Check<float>(g);
    }

    /// <summary>A batch of 7 through a square window of the given size and stride with "same" padding.</summary>
    internal static ConvGeometry OtherGeometry(int c, int h, int w, int o, int kernel, int stride, int groups)
    {
        int pad = kernel / 2;
        var window = new WindowGeometry(1, c / groups, h, w, kernel, kernel, stride, stride, pad, pad, 1, 1);
        return new ConvGeometry(window, 7, o, groups);
    }

    private static void Check<T>(ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vector = Gemm.VectorCount<T>();
        if (g.Groups == 1 && g.Window.StrideH == 1 && g.Window.KernelW > 1 && g.Positions % vector == 0 && g.GroupOutChannels > 1 && g.GroupK > 0)
        {
            // The test is about the batched path: it must be the one taken.
            Assert.True(ConvBatchedForward<T>.Applies(g));
        }
        var random = new Random(g.N * 1000 + g.InChannels * 10 + g.Window.W);
        const int xOffset = 3, wOffset = 5, biasOffset = 2;
        T[] x = KernelTestData.Uniform<T>(random, xOffset + g.N * g.InChannels * g.PlaneSize);
        T[] weight = KernelTestData.Uniform<T>(random, wOffset + g.OutChannels * g.GroupK);
        T[] bias = KernelTestData.Uniform<T>(random, biasOffset + g.OutChannels);
        int outputs = g.N * g.OutChannels * g.Positions;
        foreach (bool withBias in new[] { true, false })
        {
            T[] expected = new T[outputs], actual = new T[outputs];
            try
            {
                ConvBatchedForward<T>.Enabled = false;
                ConvKernel.Forward(x, xOffset, weight, wOffset, withBias ? bias : null, biasOffset, expected, g);
            }
            finally
            {
                ConvBatchedForward<T>.Enabled = true;
            }
            ConvKernel.Forward(x, xOffset, weight, wOffset, withBias ? bias : null, biasOffset, actual, g);
            Assert.Equal(expected, actual);
            if (g.N <= 7)
            {
                // Both against a direct sum in double: neither may be wrong in the same way.
                AssertCloseToDirect(x, xOffset, weight, wOffset, withBias ? bias : null, biasOffset, actual, g);
            }
        }
    }

    private static void AssertCloseToDirect<T>(T[] x, int xOffset, T[] weight, int wOffset, T[]? bias, int biasOffset, T[] y, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (sums, _) = ConvDirectSums.Forward(x, xOffset, weight, wOffset, bias, biasOffset, g);
        for (int e = 0; e < y.Length; e++)
        {
            double actual = double.CreateTruncating(y[e]);
            Assert.True(Math.Abs(actual - sums[e]) <= 1e-4 * (1 + Math.Abs(sums[e])), $"y[{e}]: {actual} vs {sums[e]}");
        }
    }
}
