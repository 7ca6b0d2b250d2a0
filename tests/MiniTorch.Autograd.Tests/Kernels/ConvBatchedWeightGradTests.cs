using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// <see cref="ConvBatchedWeightGrad{T}"/> (the columns' A blocks packed from a zero-gapped copy of the planes) against
/// the per-sample unfold-and-multiply it replaces: weight and bias gradients bit-identical, float32 and float64, at
/// both vector widths, on one thread and split over two and three, for batches of 1, 7 and 33, over the windows of
/// <see cref="ConvBatchedForwardTests"/> plus a reduction over positions longer than one KC block (32×32) and k not a
/// whole number of row tiles; checked against a direct sum too. Geometries the path does not take stay with the
/// per-sample products. The switches are global, so this runs in the non-parallel GEMM-width collection.
/// </summary>
[Collection(GemmWidthCollection.Name)]
public class ConvBatchedWeightGradTests
{
    public static TheoryData<int, int, int, int, int, int, int, int, int, int> Windows()
    {
        var data = ConvBatchedForwardTests.Windows;
        data.Add(3, 32, 32, 32, 3, 3, 1, 1, 1, 1);   // 1024 positions: several KC blocks per sample; k = 27
        data.Add(5, 6, 16, 70, 3, 3, 1, 1, 1, 1);    // 70 filters: an edge strip of columns in dwᵀ
        return data;
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void MatchesThePerSampleProductsBitForBit(int c, int h, int w, int o, int kh, int kw, int ph, int pw, int dh, int dw)
    {
        ConvPathSettings.ForEach(c, h, w, o, kh, kw, ph, pw, dh, dw, [1, 2, 3], (g, threads) =>
        {
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
        Assert.False(ConvBatchedWeightGrad<float>.Applies(g));
        Assert.False(ConvBatchedWeightGrad<double>.Applies(g));
        Check<float>(g, direct: false);
    }

    private static void Check<T>(ConvGeometry g, bool direct)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.Groups == 1 && g.Window.StrideH == 1 && g.Window.KernelW > 1 && g.Positions % Gemm.VectorCount<T>() == 0 && g.OutChannels > 1 && g.GroupK > 1)
        {
            // The test is about the batched path: it must be the one taken.
            Assert.True(ConvBatchedWeightGrad<T>.Applies(g));
        }
        var random = new Random(g.N * 1000 + g.InChannels * 10 + g.Window.W);
        const int xOffset = 3, gyOffset = 5;
        T[] x = KernelTestData.Uniform<T>(random, xOffset + g.N * g.InChannels * g.PlaneSize);
        T[] gy = KernelTestData.Uniform<T>(random, gyOffset + g.N * g.OutChannels * g.Positions);
        int weights = g.OutChannels * g.GroupK;
        T[] expected = new T[weights], actual = new T[weights];
        T[] expectedBias = new T[g.OutChannels], actualBias = new T[g.OutChannels];
        try
        {
            ConvBatchedWeightGrad<T>.Enabled = false;
            ConvKernel.WeightGrad(x, xOffset, gy, gyOffset, expected, g, expectedBias);
        }
        finally
        {
            ConvBatchedWeightGrad<T>.Enabled = true;
        }
        ConvKernel.WeightGrad(x, xOffset, gy, gyOffset, actual, g, actualBias);
        Assert.Equal(expected, actual);
        Assert.Equal(expectedBias, actualBias);
        if (direct)
        {
            // Both against a direct sum in double: neither may be wrong in the same way.
            AssertCloseToDirect(x, xOffset, gy, gyOffset, actual, g);
        }
    }

    private static void AssertCloseToDirect<T>(T[] x, int xOffset, T[] gy, int gyOffset, T[] dw, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var win = g.Window;
        for (int o = 0; o < g.OutChannels; o++)
        {
            for (int c = 0; c < g.InChannels; c++)
            {
                for (int i = 0; i < win.KernelH; i++)
                {
                    for (int j = 0; j < win.KernelW; j++)
                    {
                        double sum = 0;
                        for (int n = 0; n < g.N; n++)
                        {
                            for (int oh = 0; oh < win.OutH; oh++)
                            {
                                for (int ow = 0; ow < win.OutW; ow++)
                                {
                                    int ih = oh - win.PadH + i * win.DilationH, iw = ow - win.PadW + j * win.DilationW;
                                    if ((uint)ih < (uint)win.H && (uint)iw < (uint)win.W)
                                    {
                                        double xv = double.CreateTruncating(x[xOffset + ((n * g.InChannels + c) * win.H + ih) * win.W + iw]);
                                        double gv = double.CreateTruncating(gy[gyOffset + ((n * g.OutChannels + o) * win.OutH + oh) * win.OutW + ow]);
                                        sum += xv * gv;
                                    }
                                }
                            }
                        }
                        double actual = double.CreateTruncating(dw[((o * g.InChannels + c) * win.KernelH + i) * win.KernelW + j]);
                        Assert.True(Math.Abs(actual - sum) <= 1e-4 * (1 + Math.Abs(sum)), $"o={o} c={c} ({i},{j}): {actual} vs {sum}");
                    }
                }
            }
        }
    }
}
