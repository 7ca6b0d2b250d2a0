namespace MiniTorch.Tests.Kernels;

/// <summary>
/// Sums over leading and trailing dims around kept ones (a conv bias gradient's Sum over (0, 2, 3)) read the input in
/// place, with the bits of the general path: the kept dims moved first by a copy, then one cascade sum per output.
/// </summary>
public class KeptBlockSumTests
{
    [Theory]
    [InlineData(32, 32, 32, 32, DType.Float32)] // the conv2d_fwd_bwd gradient's shape
    [InlineData(5, 3, 4, 8, DType.Float64)]
    [InlineData(7, 6, 7, 7, DType.Float32)]     // inner 49: not a multiple of the vector width, general path
    public void MatchesThePermutedSumBitForBit(int n, int c, int h, int w, DType dtype)
    {
        var x = Tensor.Randn([n, c, h, w], dtype, new Generator(n * 100 + c));
        var fast = x.Sum([0, 2, 3]);
        var reference = x.Permute(1, 0, 2, 3).Contiguous().Reshape(c, -1).Sum(1);
        Assert.Equal([c], fast.Shape);
        Assert.Equal(reference.ToDoubleArray(), fast.ToDoubleArray());
        Assert.Equal(reference.ToDoubleArray(), x.Sum([0, 2, 3], keepDim: true).ToDoubleArray());
        Assert.Equal([1, c, 1, 1], x.Sum([0, 2, 3], keepDim: true).Shape);
    }

    [Fact]
    public void SizeOneDimsBetweenTheBlocksAreIgnored()
    {
        var x = Tensor.Randn([4, 1, 3, 1, 16], DType.Float64, new Generator(9));
        var fast = x.Sum([0, 3, 4]);
        var reference = x.Reshape(4, 3, 16).Permute(1, 0, 2).Contiguous().Reshape(3, -1).Sum(1);
        Assert.Equal(reference.ToDoubleArray(), fast.ToDoubleArray());
    }

    [Fact]
    public void GradientStillFlows()
    {
        var x = Tensor.Randn([2, 3, 2, 8], DType.Float64, new Generator(1), requiresGrad: true);
        Assert.True(GradCheck.Check(t => t[0].Sum([0, 2, 3]), [x]));
    }
}
