namespace MiniTorch.Tests.Kernels;

/// <summary>
/// Permuted copies (the tiled path when the destination's last dim is not the source's contiguous one) and
/// elementwise ops on permuted operands, against values computed from the indices, on sizes that leave partial
/// 32×32 tiles and partial 8×8 / 4×4 register blocks, in 4- and 8-byte dtypes (the two register transposes) and on one
/// and two threads.
/// </summary>
public class TiledTransposeTests
{
    public static TheoryData<int[], int[]> Permutations() => new()
    {
        { [37, 45], [1, 0] },
        { [64, 64], [1, 0] },
        { [3, 17, 33], [0, 2, 1] },
        { [3, 17, 33], [2, 1, 0] },
        { [3, 17, 33], [1, 2, 0] },
        { [3, 17, 33], [2, 0, 1] },
        { [2, 9, 10, 11], [3, 1, 2, 0] },
        { [2, 9, 10, 11], [0, 3, 2, 1] },
        { [5, 300, 9], [0, 2, 1] },
    };

    [Theory]
    [MemberData(nameof(Permutations))]
    public void PermutedContiguousCopy_HasEveryElementInPlace(int[] shape, int[] perm)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int64 })
        {
            foreach (int threads in new[] { 1, 2 })
            {
                int saved = Parallelism.MaxThreads;
                try
                {
                    Parallelism.MaxThreads = threads;
                    int n = shape.Aggregate(1, (a, b) => a * b);
                    var x = Tensor.Arange(n).To(dtype).Reshape(shape);
                    var y = x.Permute(perm).Contiguous();
                    Assert.Equal(Expected(shape, perm), y.ToDoubleArray());
                    var sum = x.Permute(perm) + Tensor.Ones(y.Shape.ToArray(), dtype);
                    Assert.Equal(Expected(shape, perm).Select(v => v + 1).ToArray(), sum.ToDoubleArray());
                }
                finally
                {
                    Parallelism.MaxThreads = saved;
                }
            }
        }
    }

    [Fact]
    public void OneByteElementsTakeTheElementPath()
    {
        // No register transpose for 1-byte elements: the whole tile is copied element by element.
        var values = new byte[37 * 45];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (byte)(i % 251);
        }
        var y = Tensor.FromArray(values, [37, 45]).T.Contiguous();
        var expected = new double[45 * 37];
        for (int c = 0; c < 45; c++)
        {
            for (int r = 0; r < 37; r++)
            {
                expected[c * 37 + r] = (r * 45 + c) % 251;
            }
        }
        Assert.Equal(expected, y.ToDoubleArray());
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void TransposeOfAnInnerWindow_CopiesOnlyTheWindow(DType dtype)
    {
        // A window [3.., 5..] of a [70, 90] matrix: the source starts at an offset and its rows are longer than the window.
        var x = Tensor.Arange(70 * 90).To(dtype).Reshape(70, 90);
        var window = x.Narrow(0, 3, 61).Narrow(1, 5, 83);
        var y = window.T.Contiguous();
        var expected = new double[83 * 61];
        for (int c = 0; c < 83; c++)
        {
            for (int r = 0; r < 61; r++)
            {
                expected[c * 61 + r] = (r + 3) * 90 + c + 5;
            }
        }
        Assert.Equal([83, 61], y.Shape.ToArray());
        Assert.Equal(expected, y.ToDoubleArray());
    }

    /// <summary>Element i of the permuted tensor in row-major order is the source element at the permuted index (source values = flat index).</summary>
    private static double[] Expected(int[] shape, int[] perm)
    {
        int rank = shape.Length;
        var outShape = perm.Select(p => shape[p]).ToArray();
        var srcStrides = new int[rank];
        srcStrides[rank - 1] = 1;
        for (int d = rank - 2; d >= 0; d--)
        {
            srcStrides[d] = srcStrides[d + 1] * shape[d + 1];
        }
        int n = shape.Aggregate(1, (a, b) => a * b);
        var result = new double[n];
        var index = new int[rank];
        for (int i = 0; i < n; i++)
        {
            int rem = i;
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d] = rem % outShape[d];
                rem /= outShape[d];
            }
            int src = 0;
            for (int d = 0; d < rank; d++)
            {
                src += index[d] * srcStrides[perm[d]];
            }
            result[i] = src;
        }
        return result;
    }
}
