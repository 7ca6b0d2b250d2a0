using System.Runtime.Intrinsics.X86;
using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// The cross-plane 2×2 stride-2 kernel for planes 4 or 8 wide against the general per-plane loop, on data full of ties
/// (values from a set of four, and signed zeros) and NaNs: the maxima (bit for bit) and the argmax indices must be
/// identical. Plane ranges that start inside the buffer, an input offset, heights whose row-pair count does not divide
/// the eight-output groups (a group then spans planes) and scalar tails are covered; without an index the values are
/// the same.
/// </summary>
public class MaxPoolNarrowTests
{
    /// <summary>H, W, planes, first plane, end plane, input offset.</summary>
    public static TheoryData<int, int, int, int, int, int> Cases() => new()
    {
        { 8, 8, 37, 0, 37, 0 },
        { 4, 4, 41, 0, 41, 3 },
        { 4, 4, 41, 5, 30, 0 },
        { 2, 4, 13, 1, 12, 7 },
        { 2, 8, 11, 0, 11, 0 },
        { 6, 8, 9, 2, 9, 1 },
        { 6, 4, 9, 0, 9, 0 },
        { 10, 4, 5, 0, 5, 0 },
        { 8, 8, 1, 0, 1, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheGeneralLoopWithTiesAndNaNs(int h, int w, int planes, int first, int end, int offset)
    {
        var g = new MaxPoolGeometry(planes, h, w, 2, 2, 2, 2, 0, 0, 1, 1, h / 2, w / 2);
        Assert.Equal(Avx2.IsSupported, MaxPoolNarrow.Applies(g));
        if (!Avx2.IsSupported)
        {
            return;
        }
        var random = new Random(h * 131 + w * 7 + planes);
        var x = new float[offset + planes * h * w];
        for (int i = 0; i < x.Length; i++)
        {
            int r = random.Next(24);
            x[i] = r == 0 ? float.NaN : r == 1 ? -0f : r == 2 ? 0f : r % 4;
        }
        int output = g.OutH * g.OutW;
        var y = new float[planes * output];
        var index = new int[planes * output];
        var yAlone = new float[planes * output];
        MaxPoolNarrow.Forward(x, offset, y, index, g, first, end);
        MaxPoolNarrow.Forward(x, offset, yAlone, null, g, first, end);
        var yGeneral = new float[output];
        var indexGeneral = new int[output];
        for (int p = first; p < end; p++)
        {
            PoolKernel.MaxForwardPlane<float>(x.AsSpan(offset + p * h * w, h * w), yGeneral, indexGeneral, g);
            for (int o = 0; o < output; o++)
            {
                int at = p * output + o;
                Assert.True(BitConverter.SingleToInt32Bits(y[at]) == BitConverter.SingleToInt32Bits(yGeneral[o]), $"plane {p} output {o}: {y[at]} against {yGeneral[o]}");
                Assert.True(BitConverter.SingleToInt32Bits(yAlone[at]) == BitConverter.SingleToInt32Bits(yGeneral[o]), $"plane {p} output {o} without index: {yAlone[at]}");
                Assert.True(index[at] == indexGeneral[o], $"plane {p} output {o}: index {index[at]} against {indexGeneral[o]}");
            }
        }
        for (int at = 0; at < first * output; at++)
        {
            Assert.Equal(0, index[at]);
        }
    }

    [Fact]
    public void OtherShapesTakeTheOtherKernels()
    {
        Assert.False(MaxPoolNarrow.Applies(new MaxPoolGeometry(4, 7, 8, 2, 2, 2, 2, 0, 0, 1, 1, 3, 4)));
        Assert.False(MaxPoolNarrow.Applies(new MaxPoolGeometry(4, 16, 16, 2, 2, 2, 2, 0, 0, 1, 1, 8, 8)));
        Assert.False(MaxPoolNarrow.Applies(new MaxPoolGeometry(4, 8, 8, 2, 2, 1, 1, 0, 0, 1, 1, 7, 7)));
        Assert.False(MaxPoolNarrow.Applies(new MaxPoolGeometry(4, 8, 8, 2, 2, 2, 2, 1, 1, 1, 1, 5, 5)));
    }
}
