namespace MiniTorch.Tests.Ops;

public class Im2ColTests
{
    // (channels, height, width, kernel, stride, padding, dilation)
    public static TheoryData<int, int, int, (int, int), (int, int), (int, int), (int, int)> Geometries => new()
    {
        { 1, 4, 4, (2, 2), (1, 1), (0, 0), (1, 1) },
        { 2, 5, 6, (3, 2), (2, 1), (1, 0), (1, 1) },
        { 3, 7, 5, (2, 3), (1, 2), (2, 1), (2, 1) },
        { 2, 6, 7, (3, 3), (3, 2), (1, 1), (1, 2) },
        { 1, 3, 3, (3, 3), (1, 1), (1, 1), (1, 1) },
    };

    /// <summary>The definition, element by element: column (c·kh + i)·kw + j at position (oh, ow).</summary>
    private static double[] Reference(Tensor x, (int H, int W) k, (int H, int W) s, (int H, int W) p, (int H, int W) d, double pad)
    {
        int n = x.Size(0), c = x.Size(1), h = x.Size(2), w = x.Size(3);
        int oh = (h + 2 * p.H - d.H * (k.H - 1) - 1) / s.H + 1;
        int ow = (w + 2 * p.W - d.W * (k.W - 1) - 1) / s.W + 1;
        var r = new double[n * c * k.H * k.W * oh * ow];
        int idx = 0;
        for (int b = 0; b < n; b++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                for (int i = 0; i < k.H; i++)
                {
                    for (int j = 0; j < k.W; j++)
                    {
                        for (int y = 0; y < oh; y++)
                        {
                            for (int z = 0; z < ow; z++)
                            {
                                int iy = y * s.H - p.H + i * d.H, ix = z * s.W - p.W + j * d.W;
                                r[idx++] = iy < 0 || iy >= h || ix < 0 || ix >= w ? pad : x.GetValue(b, ch, iy, ix);
                            }
                        }
                    }
                }
            }
        }
        return r;
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void MatchesTheDefinition(int c, int h, int w, (int, int) k, (int, int) s, (int, int) p, (int, int) d)
    {
        var x = Tensor.Randn([2, c, h, w], DType.Float64, new Generator(1));
        var cols = x.Im2Col(k, s, p, d);
        Assert.Equal(Reference(x, k, s, p, d, 0), cols.ToDoubleArray());
        Assert.Equal(Reference(x, k, s, p, d, double.NegativeInfinity), x.Im2Col(k, s, p, d, double.NegativeInfinity).ToDoubleArray());
        var f = x.To(DType.Float32);
        Assert.Equal(Array.ConvertAll(Reference(f, k, s, p, d, 0), v => (float)v), f.Im2Col(k, s, p, d).ToFloatArray());
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Col2ImIsTheAdjoint(int c, int h, int w, (int, int) k, (int, int) s, (int, int) p, (int, int) d)
    {
        // <Im2Col(x), y> = <x, Col2Im(y)> for all x, y: the defining property of the adjoint.
        var gen = new Generator(2);
        var x = Tensor.Randn([2, c, h, w], DType.Float64, gen);
        var cols = x.Im2Col(k, s, p, d);
        var y = Tensor.Randn(cols.Shape, DType.Float64, gen);
        var folded = y.Col2Im((h, w), k, s, p, d);
        Assert.Equal(x.Shape, folded.Shape);
        Assert.Equal((cols * y).Sum().Item(), (x * folded).Sum().Item(), 10);
    }

    [Fact]
    public void OverlappingWindowsAccumulate()
    {
        // 1×1×1×3 image, 1×2 kernel, stride 1: the middle pixel is in both windows.
        var cols = Tensor.Ones([1, 2, 2]);
        var img = cols.Col2Im((1, 3), (1, 2));
        Assert.Equal(new float[] { 1, 2, 1 }, img.ToFloatArray());
    }

    [Fact]
    public void GradientsOfBothOpsToSecondOrder()
    {
        var gen = new Generator(3);
        var x = Tensor.Randn([1, 2, 4, 5], DType.Float64, gen, requiresGrad: true);
        Func<Tensor[], Tensor> unfold = t => t[0].Im2Col((2, 3), (2, 1), (1, 1), (1, 2));
        Assert.True(GradCheck.Check(unfold, [x]));
        Assert.True(GradCheck.GradGradCheck(unfold, [x]));

        // Squaring makes the second derivative non-zero, so GradGradCheck exercises Col2ImBackward's own backward.
        Func<Tensor[], Tensor> squared = t => t[0].Im2Col((2, 2), padding: (1, 0), padValue: -3).Square();
        Assert.True(GradCheck.GradGradCheck(squared, [x]));

        var cols = Tensor.Randn([1, 2 * 2 * 3, 9], DType.Float64, gen, requiresGrad: true);
        Func<Tensor[], Tensor> fold = t => t[0].Col2Im((4, 5), (2, 3), (2, 1), (1, 1), (1, 2));
        Assert.True(GradCheck.Check(fold, [cols]));
        Assert.True(GradCheck.GradGradCheck(t => fold(t).Square(), [cols]));
    }

    [Fact]
    public void PaddingGetsNoGradient()
    {
        var x = Tensor.Ones([1, 1, 2, 2], DType.Float64, requiresGrad: true);
        x.Im2Col((2, 2), padding: (1, 1), padValue: 5).Sum().Backward();
        // Each pixel is in all 4 windows of the 3×3 positions that cover it.
        Assert.Equal(new[] { 4.0, 4.0, 4.0, 4.0 }, x.Grad!.ToDoubleArray());
        Assert.Equal("Im2ColBackward", x.Im2Col((2, 2)).GradFn!.Name);
    }

    [Fact]
    public void NonContiguousInputIsRead()
    {
        var x = Tensor.Randn([1, 3, 4, 2], DType.Float64, new Generator(4)).Permute(0, 1, 3, 2);
        Assert.False(x.IsContiguous);
        Assert.Equal(Reference(x, (2, 2), (1, 1), (0, 0), (1, 1), 0), x.Im2Col((2, 2)).ToDoubleArray());
    }

    [Fact]
    public void ErrorsNameTheOpAndTheSizes()
    {
        var x = Tensor.Zeros(1, 1, 3, 3);
        var rank = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3, 3).Im2Col((2, 2)));
        Assert.Contains("Im2Col: expected a 4-D input (N, C, H, W), got shape [3, 3]", rank.Message);
        var big = Assert.Throws<ArgumentException>(() => x.Im2Col((2, 2), dilation: (3, 1)));
        Assert.Contains("dilated kernel (4 x 2) is larger than the padded input (3 x 3)", big.Message);
        var stride = Assert.Throws<ArgumentException>(() => x.Im2Col((2, 2), stride: (0, 1)));
        Assert.Contains("stride (0, 1)", stride.Message);
        var divisible = Assert.Throws<ArgumentException>(() => Tensor.Zeros(1, 5, 4).Col2Im((3, 3), (2, 2)));
        Assert.Contains("dimension 1 (5) to be divisible", divisible.Message);
        var positions = Assert.Throws<ArgumentException>(() => Tensor.Zeros(1, 4, 5).Col2Im((3, 3), (2, 2)));
        Assert.Contains("expected size of input's dimension 2 to be 4 (2 x 2 windows), but got 5", positions.Message);
    }
}
