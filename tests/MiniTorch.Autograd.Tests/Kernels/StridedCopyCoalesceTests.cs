namespace MiniTorch.Tests.Kernels;

/// <summary>Strided copies whose dims merge (expanded scalars, size-1 dims, contiguous blocks inside a permutation) keep every element in place.</summary>
public class StridedCopyCoalesceTests
{
    [Fact]
    public void ExpandedScalarBecomesAFill()
    {
        var s = Tensor.FromArray(new[] { 2.5f }, [1, 1, 1, 1]).Expand([3, 4, 5, 6]);
        var c = s.Contiguous();
        Assert.True(c.IsContiguous);
        Assert.All(c.ToFloatArray(), v => Assert.Equal(2.5f, v));
        Assert.Equal(360, c.Numel);
    }

    [Fact]
    public void MergedAndUnmergedDimsMatchIndexing()
    {
        // [2, 3, 4, 5] permuted so dims 2 and 3 stay one contiguous run while 0 and 1 are swapped, plus a size-1 dim.
        var x = Tensor.Arange(0, 120, 1).Reshape(2, 3, 1, 4, 5).Permute(1, 0, 2, 3, 4);
        var c = x.Contiguous();
        for (int a = 0; a < 3; a++)
        {
            for (int b = 0; b < 2; b++)
            {
                for (int i = 0; i < 4; i++)
                {
                    for (int j = 0; j < 5; j++)
                    {
                        Assert.Equal(b * 60 + a * 20 + i * 5 + j, c.GetValue(a, b, 0, i, j));
                    }
                }
            }
        }
    }

    [Fact]
    public void BroadcastRowExpandsAlongLeadingDims()
    {
        var row = Tensor.FromArray(new[] { 1.0, 2, 3 }, [1, 1, 3]).Expand([2, 4, 3]);
        var c = row.Contiguous().ToDoubleArray();
        for (int i = 0; i < c.Length; i++)
        {
            Assert.Equal(i % 3 + 1, c[i]);
        }
    }
}
