using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// The unchecked max pool for windows inside the input against the general per-tap loop it bypasses, on data full of
/// ties (values from a set of four) and NaNs, in both dtypes: the maxima and the argmax indices must be identical
/// (the first of equal maxima, a NaN replacing anything, as PyTorch's CPU kernel). Float32 2×2 windows with column
/// stride 2 take eight windows at a time (AVX2) with a scalar tail, so widths of 16, 11 and 17 outputs are included.
/// </summary>
public class MaxPoolInsideTests
{
    /// <summary>H, W, kernel, stride, dilation (no padding).</summary>
    public static TheoryData<int, int, (int, int), (int, int), (int, int)> Windows() => new()
    {
        { 32, 32, (2, 2), (2, 2), (1, 1) },
        { 7, 9, (2, 2), (2, 2), (1, 1) },
        { 5, 23, (2, 2), (2, 2), (1, 1) },
        { 4, 34, (2, 2), (1, 2), (1, 1) },
        { 7, 9, (3, 3), (2, 2), (1, 1) },
        { 9, 8, (3, 2), (1, 2), (2, 1) },
        { 5, 5, (1, 1), (1, 1), (1, 1) },
        { 6, 11, (2, 4), (3, 1), (2, 2) },
        { 2, 2, (2, 2), (2, 2), (1, 1) },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void MatchesTheGeneralLoopWithTiesAndNaNs(int h, int w, (int H, int W) k, (int H, int W) s, (int H, int W) d)
    {
        int outH = (h - d.H * (k.H - 1) - 1) / s.H + 1, outW = (w - d.W * (k.W - 1) - 1) / s.W + 1;
        var g = new MaxPoolGeometry(1, h, w, k.H, k.W, s.H, s.W, 0, 0, d.H, d.W, outH, outW);
        Assert.True(MaxPoolInside.Applies(g));
        Check<float>(g);
        Check<double>(g);
    }

    [Fact]
    public void PaddedOrOverhangingWindowsTakeTheGeneralLoop()
    {
        Assert.False(MaxPoolInside.Applies(new MaxPoolGeometry(1, 8, 8, 2, 2, 2, 2, 1, 1, 1, 1, 5, 5)));
        // Ceil mode: the last window of a 7-wide row with kernel 2, stride 2 starts at 6 and overhangs.
        Assert.False(MaxPoolInside.Applies(new MaxPoolGeometry(1, 7, 7, 2, 2, 2, 2, 0, 0, 1, 1, 4, 4)));
    }

    private static void Check<T>(MaxPoolGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(g.H * 31 + g.W);
        var x = new T[g.H * g.W];
        for (int i = 0; i < x.Length; i++)
        {
            int r = random.Next(20);
            x[i] = r == 0 ? T.NaN : T.CreateChecked(r % 4);
        }
        int outputs = g.OutH * g.OutW;
        var (y, index) = (new T[outputs], new int[outputs]);
        var (yGeneral, indexGeneral) = (new T[outputs], new int[outputs]);
        MaxPoolInside.ForwardPlane<T>(x, y, index, g);
        PoolKernel.MaxForwardPlane<T>(x, yGeneral, indexGeneral, g);
        Assert.Equal(indexGeneral, index);
        for (int o = 0; o < outputs; o++)
        {
            Assert.True(y[o].Equals(yGeneral[o]), $"output {o}: {y[o]} against {yGeneral[o]}");
        }
    }
}
