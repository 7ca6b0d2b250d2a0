using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// <see cref="ConvWinograd{T}"/> against direct sums in double: the forward (with and without bias) and the input
/// gradient, float32 and float64, on one thread and two, for odd image sizes (partial tiles at the edges), no padding,
/// padding 2 (whose adjoint has none), uneven padding, channel counts that leave a scalar tail, and rows of tiles
/// longer than a vector, whole vectors of tiles a row (the path that transforms 8 tiles at a time) or not. The
/// error allowed is relative to the sum of the terms' magnitudes: 1e-6 in float32 (measured worst 2.9e-7), 4e-15 in
/// float64 (measured worst 6.7e-16). The switch is global, so this runs in the non-parallel GEMM-width collection.
/// </summary>
[Collection(GemmWidthCollection.Name)]
public class ConvWinogradTests
{
    public static TheoryData<int, int, int, int, int, int> Geometries => new()
    {
        // channels, height, width, out channels, pad h, pad w
        { 32, 16, 16, 64, 1, 1 },  // the benchmark's 32 -> 64 layer
        { 16, 9, 9, 16, 1, 1 },    // odd sizes: the last tiles hold one output row or column
        { 17, 12, 11, 19, 0, 0 },  // no padding; 17 and 19 channels leave scalar tails
        { 16, 6, 7, 24, 2, 2 },    // padding 2: the input gradient's adjoint has none
        { 20, 9, 10, 16, 1, 0 },   // uneven padding
        { 16, 15, 20, 16, 1, 1 },  // 10 tiles a row: a whole vector of them and two more; an odd last row
        { 16, 10, 10, 16, 0, 0 },  // 8x8 outputs, 16 tiles: the smallest the path takes
        { 16, 9, 32, 16, 1, 1 },   // rows of 16 tiles (two vectors of them, float32 AVX2), an odd output height
        { 17, 14, 14, 16, 2, 2 },  // 16 outputs a row from padding 2; the input gradient's 14 (7 tiles) take the other path
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void ForwardAndInputGradientMatchDirectSums(int c, int h, int w, int o, int ph, int pw)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            using var settings = new KernelSettings(allowVector512: true, threads);
            foreach (int n in new[] { 2, 5 })
            {
                var g = new ConvGeometry(new WindowGeometry(1, c, h, w, 3, 3, 1, 1, ph, pw, 1, 1), n, o, 1);
                Assert.True(ConvWinograd<float>.AppliesToForward(g));
                Assert.True(ConvWinograd<double>.AppliesToInputGrad(g));
                Check<float>(g, 1e-6);
                Check<double>(g, 4e-15);
            }
        }
    }

    [Theory]
    [InlineData(8, 8, 8, 16, 3, 1, 1)]    // too few input channels for the transforms to pay
    [InlineData(16, 8, 8, 8, 3, 1, 1)]    // too few output channels
    [InlineData(16, 8, 8, 16, 3, 2, 1)]   // stride 2
    [InlineData(16, 8, 8, 16, 5, 1, 1)]   // 5x5
    [InlineData(16, 8, 8, 16, 3, 1, 2)]   // two groups
    [InlineData(16, 4, 4, 32, 3, 1, 1)]   // 16 positions (the digits CNN's second layer): too few tiles
    public void OtherGeometriesKeepTheDirectProducts(int c, int h, int w, int o, int kernel, int stride, int groups)
    {
        int pad = kernel / 2;
        var g = new ConvGeometry(new WindowGeometry(1, c / groups, h, w, kernel, kernel, stride, stride, pad, pad, 1, 1), 4, o, groups);
        Assert.False(ConvWinograd<float>.AppliesToForward(g));
        Assert.False(ConvWinograd<float>.AppliesToInputGrad(g));
    }

    [Fact]
    public void GradCheckAndGradGradCheckThroughTheWinogradPath()
    {
        // The smallest layer the path takes; in float64 its forward and input gradient (and the double backward, which is
        // made of convolutions) must agree with finite differences as the direct products do.
        using var settings = new KernelSettings(allowVector512: true, maxThreads: 2);
        var gen = new Generator(11);
        var x = MiniTorch.Tests.Ops.OpTestHelpers.Uniform(gen, [2, 16, 8, 8]);
        var w = MiniTorch.Tests.Ops.OpTestHelpers.Uniform(gen, [16, 16, 3, 3]);
        var b = MiniTorch.Tests.Ops.OpTestHelpers.Uniform(gen, [16]);
        var g = new ConvGeometry(new WindowGeometry(1, 16, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1), 2, 16, 1);
        Assert.True(ConvWinograd<double>.AppliesToForward(g));
        Assert.True(ConvWinograd<double>.AppliesToInputGrad(g));
        MiniTorch.Tests.Ops.OpTestHelpers.CheckGradients(t => Tensor.Conv2d(t[0], t[1], t[2], padding: (1, 1)), x, w, b);
    }

    [Fact]
    public void ABatchSmallerThanTheThreadsKeepsTheDirectProducts()
    {
        using var settings = new KernelSettings(allowVector512: true, maxThreads: 2);
        var g = new ConvGeometry(new WindowGeometry(1, 32, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1), 1, 64, 1);
        Assert.False(ConvWinograd<float>.AppliesToForward(g));
    }

    private static void Check<T>(ConvGeometry g, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(g.N * 1000 + g.InChannels * 10 + g.Window.W);
        const int xOffset = 3, wOffset = 5, biasOffset = 2, gyOffset = 1;
        var win = g.Window;
        T[] x = KernelTestData.Uniform<T>(random, xOffset + g.N * g.InChannels * g.PlaneSize);
        T[] weight = KernelTestData.Uniform<T>(random, wOffset + g.OutChannels * g.GroupK);
        T[] bias = KernelTestData.Uniform<T>(random, biasOffset + g.OutChannels);
        T[] gy = KernelTestData.Uniform<T>(random, gyOffset + g.N * g.OutChannels * g.Positions);
        foreach (bool withBias in new[] { true, false })
        {
            T[] y = new T[g.N * g.OutChannels * g.Positions];
            y.AsSpan().Fill(T.CreateTruncating(9));
            ConvKernel.Forward(x, xOffset, weight, wOffset, withBias ? bias : null, biasOffset, y, g);
            var (sums, scales) = ConvDirectSums.Forward(x, xOffset, weight, wOffset, withBias ? bias : null, biasOffset, g);
            AssertClose(y, sums, scales, tolerance, "forward");
        }
        T[] dx = new T[g.N * g.InChannels * g.PlaneSize];
        dx.AsSpan().Fill(T.CreateTruncating(9));
        ConvKernel.InputGrad(gy, gyOffset, weight, wOffset, dx, g);
        var (dxSums, dxScales) = ConvDirectSums.InputGrad(gy, gyOffset, weight, wOffset, g);
        AssertClose(dx, dxSums, dxScales, tolerance, "input gradient");
    }

    private static void AssertClose<T>(T[] actual, double[] sums, double[] scales, double tolerance, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int e = 0; e < actual.Length; e++)
        {
            double value = double.CreateTruncating(actual[e]);
            Assert.True(Math.Abs(value - sums[e]) <= tolerance * (scales[e] + 1e-30), $"{what}[{e}]: {value:R} vs {sums[e]:R} (terms' magnitude {scales[e]})");
        }
    }
}
