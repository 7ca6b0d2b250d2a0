using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// Strided copies whose dims merge (expanded scalars, size-1 dims, contiguous blocks inside a permutation) keep every
/// element in place, and large ones, whose rows are split over the cores, put every element where indexing says on
/// any thread count.
/// </summary>
[Collection(GemmWidthCollection.Name)]
public class StridedCopyCoalesceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void LargePermutedCopiesPutEveryElementInPlace(int threads)
    {
        using var settings = new KernelSettings(Gemm.AllowVector512, threads);
        // The attention's heads back to [b, t, h, d] (rows of 32) and a row broadcast over a batch take the row loop split
        // over the cores; a transposed-then-permuted copy takes the tiled transposes.
        var heads = Tensor.Arange(0, 16 * 4 * 64 * 32, 1, dtype: DType.Float32).Reshape(16, 4, 64, 32).Permute(0, 2, 1, 3).Contiguous().ToFloatArray();
        var strided = Tensor.Arange(0, 300 * 250, 1, dtype: DType.Float64).Reshape(300, 250).Narrow(1, 0, 249).Transpose(0, 1).Reshape(249, 3, 100).Permute(2, 1, 0).Contiguous().ToDoubleArray();
        var rows = Tensor.Arange(0, 70, 1, dtype: DType.Float32).Reshape(1, 70).Expand(1500, 70).Contiguous().ToFloatArray();
        for (int b = 0; b < 16; b++)
        {
            for (int t = 0; t < 64; t++)
            {
                for (int h = 0; h < 4; h++)
                {
                    for (int d = 0; d < 32; d++)
                    {
                        Assert.Equal(((b * 4 + h) * 64 + t) * 32 + d, heads[((b * 64 + t) * 4 + h) * 32 + d]);
                    }
                }
            }
        }
        // Element (i, j, c) is the reshaped transpose's (c, j, i), which is the original's (j·100 + i, c).
        for (int i = 0; i < 100; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                for (int c = 0; c < 249; c++)
                {
                    Assert.Equal((j * 100 + i) * 250 + c, strided[(i * 3 + j) * 249 + c]);
                }
            }
        }
        for (int k = 0; k < rows.Length; k++)
        {
            Assert.Equal(k % 70, rows[k]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void LargeOneRowCopiesSplitOverTheCoresPutEveryElementInPlace(int threads)
    {
        using var settings = new KernelSettings(Gemm.AllowVector512, threads);
        // Each coalesces to one row: a broadcast scalar (the gradient of a sum), a strided gather, a contiguous copy
        // of a view with an offset; each large enough to be split into element ranges.
        var filled = Tensor.FromArray(new[] { -1.25f }, [1, 1, 1, 1]).Expand([32, 64, 16, 16]).Contiguous().ToFloatArray();
        var every = Tensor.Arange(0, 2 * 300_001, 1, dtype: DType.Float64).Reshape(300_001, 2).Select(1, 1).Contiguous().ToDoubleArray();
        var shifted = Tensor.Arange(0, 400_000, 1, dtype: DType.Float32).Narrow(0, 7, 399_990).Reshape(3, 133_330).Contiguous().ToFloatArray();
        Assert.Equal(32 * 64 * 16 * 16, filled.Length);
        Assert.All(filled, v => Assert.Equal(-1.25f, v));
        Assert.Equal(300_001, every.Length);
        for (int i = 0; i < every.Length; i++)
        {
            Assert.Equal(2 * i + 1, every[i]);
        }
        Assert.Equal(399_990, shifted.Length);
        for (int i = 0; i < shifted.Length; i++)
        {
            Assert.Equal(i + 7, shifted[i]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void LargeFillsWriteExactlyTheirRange(int threads)
    {
        using var settings = new KernelSettings(Gemm.AllowVector512, threads);
        // ZeroInPlace and FillInPlace of a contiguous view in the middle of its storage: the chunks split over the cores
        // cover the view and nothing before or after it.
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var storage = Tensor.Full([3, 200_001], 5.0, dtype: dtype);
            storage.Select(0, 1).ZeroInPlace();
            var values = storage.ToDoubleArray();
            for (int i = 0; i < values.Length; i++)
            {
                Assert.Equal(i / 200_001 == 1 ? 0.0 : 5.0, values[i]);
            }
            storage.Narrow(0, 0, 2).FillInPlace(-3.0);
            values = storage.ToDoubleArray();
            for (int i = 0; i < values.Length; i++)
            {
                Assert.Equal(i < 2 * 200_001 ? -3.0 : 5.0, values[i]);
            }
        }
    }

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
