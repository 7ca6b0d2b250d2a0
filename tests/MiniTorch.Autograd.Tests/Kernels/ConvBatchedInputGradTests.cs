using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// <see cref="ConvBatchedInputGrad{T}"/> (col2im fused into the products' tiles) against the per-sample products and
/// col2im it replaces: bit-identical, float32 and float64, at both vector widths, on one thread and split over two
/// and three, for batches of 1, 7 and 33, over the windows of <see cref="ConvBatchedForwardTests"/> plus more output
/// channels than one KC block (the tiles summed over two blocks) and k not a whole number of row tiles; checked
/// against a direct sum too. Geometries the path does not take stay with the per-sample products. The switches are
/// global, so this runs in the non-parallel GEMM-width collection.
/// </summary>
[Collection(GemmWidthCollection.Name)]
public class ConvBatchedInputGradTests
{
    public static TheoryData<int, int, int, int, int, int, int, int, int, int> Windows()
    {
        var data = ConvBatchedForwardTests.Windows;
        data.Add(3, 4, 16, 400, 3, 3, 1, 1, 1, 1);  // 400 filters: the reduction spans several KC blocks; k = 27
        data.Add(5, 6, 16, 1, 3, 3, 1, 1, 1, 1);    // one filter: a reduction of length 1
        return data;
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void MatchesThePerSampleProductsBitForBit(int c, int h, int w, int o, int kh, int kw, int ph, int pw, int dh, int dw)
    {
        ConvPathSettings.ForEach(c, h, w, o, kh, kw, ph, pw, dh, dw, [1, 2, 3], (g, threads) =>
        {
            Assert.True(ConvBatchedInputGrad<float>.Applies(g));
            Assert.True(ConvBatchedInputGrad<double>.Applies(g));
            Check<float>(g, direct: g.N <= 7 && threads == 1);
            Check<double>(g, direct: false);
        });
    }

    [Theory]
    [MemberData(nameof(ConvBatchedForwardTests.Others), MemberType = typeof(ConvBatchedForwardTests))]
    public void OtherGeometriesKeepThePerSampleProducts(int c, int h, int w, int o, int kernel, int stride, int groups)
    {
        // The forward's list: stride 2, groups, 1×1, positions not a whole number of vectors, one filter, no channels.
        var g = ConvBatchedForwardTests.OtherGeometry(c, h, w, o, kernel, stride, groups);
        // A single filter is a reduction of length one here, which the fused path takes; the others it leaves.
        bool taken = o == 1;
        Assert.Equal(taken, ConvBatchedInputGrad<float>.Applies(g));
        Assert.Equal(taken, ConvBatchedInputGrad<double>.Applies(g));
        Check<float>(g, direct: true);
    }

    private static void Check<T>(ConvGeometry g, bool direct)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(g.N * 1000 + g.InChannels * 10 + g.Window.W);
        const int gyOffset = 3, wOffset = 5;
        T[] gy = KernelTestData.Uniform<T>(random, gyOffset + g.N * g.OutChannels * g.Positions);
        T[] weight = KernelTestData.Uniform<T>(random, wOffset + g.OutChannels * g.GroupK);
        int inputs = g.N * g.InChannels * g.PlaneSize;
        T[] expected = new T[inputs], actual = new T[inputs];
        // Stale values in the output must not survive: it is written, not added to.
        actual.AsSpan().Fill(T.CreateTruncating(7));
        try
        {
            ConvBatchedInputGrad<T>.Enabled = false;
            ConvKernel.InputGrad(gy, gyOffset, weight, wOffset, expected, g);
        }
        finally
        {
            ConvBatchedInputGrad<T>.Enabled = true;
        }
        ConvKernel.InputGrad(gy, gyOffset, weight, wOffset, actual, g);
        Assert.Equal(expected, actual);
        if (direct)
        {
            // Both against a direct sum in double: neither may be wrong in the same way.
            AssertCloseToDirect(gy, gyOffset, weight, wOffset, actual, g);
        }
    }

    private static void AssertCloseToDirect<T>(T[] gy, int gyOffset, T[] weight, int wOffset, T[] dx, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (sums, _) = ConvDirectSums.InputGrad(gy, gyOffset, weight, wOffset, g);
        for (int e = 0; e < dx.Length; e++)
        {
            double actual = double.CreateTruncating(dx[e]);
            Assert.True(Math.Abs(actual - sums[e]) <= 1e-4 * (1 + Math.Abs(sums[e])), $"dx[{e}]: {actual} vs {sums[e]}");
        }
    }
}
