using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Sum and Mean over all, one or several dims; Max/Min (all and along a dim); ArgMax/ArgMin.</summary>
public class ReductionsTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void SumMean_ForwardValues(DType dtype)
    {
        // [[0, 1, 2], [3, 4, 5]]
        var x = Make(dtype, [2, 3], 0, 1, 2, 3, 4, 5);
        AssertValues(x.Sum(), [], 15);
        AssertValues(x.Sum(0), [3], 3, 5, 7);
        AssertValues(x.Sum(1), [2], 3, 12);
        AssertValues(x.Sum(-1, keepDim: true), [2, 1], 3, 12);
        AssertValues(x.Sum([0, 1]), [], 15);
        AssertValues(x.Sum([0, 1], keepDim: true), [1, 1], 15);
        AssertValues(x.Sum(Array.Empty<int>()), [], 15);
        AssertValues(x.Mean(), [], 2.5);
        AssertValues(x.Mean(0), [3], 1.5, 2.5, 3.5);
        AssertValues(x.Mean(1, keepDim: true), [2, 1], 1, 4);
        AssertValues(x.Mean([-2, -1]), [], 2.5);
        // Non-contiguous: x.T = [[0, 3], [1, 4], [2, 5]].
        AssertValues(x.T.Sum(0), [2], 3, 12);
        AssertValues(x.T.Mean(1), [3], 1.5, 2.5, 3.5);
    }

    [Fact]
    public void SumMean_OverSeveralDimsOfA3DTensor()
    {
        var x = Tensor.Arange(24, DType.Float64).Reshape(2, 3, 4);
        // Sum over dims 0 and 2: for each j, Σ_i Σ_k (12 i + 4 j + k) = 2·(4·4j + 6) + 12·4 = 32 j + 60.
        AssertValues(x.Sum([0, 2]), [3], 60, 92, 124);
        AssertValues(x.Mean([2, 0], keepDim: true), [1, 3, 1], 7.5, 11.5, 15.5);
    }

    [Fact]
    public void SumMean_OfAScalarTensor_AcceptDim0AsPyTorch()
    {
        var s = Tensor.Scalar(4.0, DType.Float64);
        AssertValues(s.Sum(0), [], 4);
        AssertValues(s.Mean(-1), [], 4);
    }

    [Fact]
    public void SumMean_OfAnEmptyTensor_GiveZeroAndNaN_AsPyTorch()
    {
        var empty = Tensor.Zeros([0], DType.Float64);
        AssertValues(empty.Sum(), [], 0);
        AssertValues(empty.Mean(), [], double.NaN);
        AssertValues(Tensor.Zeros([2, 0], DType.Float64).Sum(1), [2], 0, 0);
    }

    [Fact]
    public void SumMean_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(71);
        var x = Uniform(g, [2, 3, 2]);
        CheckGradients(t => t[0].Sum(), x);
        CheckGradients(t => t[0].Sum(1), x);
        CheckGradients(t => t[0].Sum([0, 2], keepDim: true), x);
        CheckGradients(t => t[0].Mean(), x);
        CheckGradients(t => t[0].Mean(-1), x);
        CheckGradients(t => t[0].Mean([0, 1], keepDim: true), x);
        // A reduction feeding a product, so the second derivative is not trivially zero.
        CheckGradients(t => t[0].Sum(1) * t[0].Mean(1), x);
        CheckGradients(t => t[0].Sum(0), Uniform(g, []));
    }

    [Fact]
    public void SumMean_GradientsMatchFiniteDifferences_OnNonContiguousInputs()
    {
        var g = new Generator(72);
        var x = Uniform(g, [3, 4]);
        CheckGradients(t => t[0].T.Sum(0), x);
        CheckGradients(t => t[0].Narrow(1, 1, 2).Mean(0, keepDim: true), x);
        CheckGradients(t => t[0].Select(0, 1).Expand(2, 4).Sum(1) * t[0].Sum(1).Narrow(0, 0, 2), x);
        var leaf = TransposedLeaf(g, 4, 3);
        CheckGradients(t => (t[0] * t[0]).Mean(1), leaf);
        CheckGradients(t => t[0].Sum(0) * t[0].Mean(1, keepDim: true), SlicedLeaf(g, 3, 3));
    }

    [Fact]
    public void SumMean_GradFnNamesFollowPyTorch()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        Assert.Equal("SumBackward", x.Sum().GradFn!.Name);
        Assert.Equal("MeanBackward", x.Mean().GradFn!.Name);
        Assert.Equal("MaxBackward", x.Max().GradFn!.Name);
        Assert.Equal("MinBackward", x.Min(0).Values.GradFn!.Name);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void MaxMin_ForwardValues(DType dtype)
    {
        // [[3, -1, 4], [1, 5, -9]]
        var x = Make(dtype, [2, 3], 3, -1, 4, 1, 5, -9);
        AssertValues(x.Max(), [], 5);
        AssertValues(x.Min(), [], -9);
        var (values, indices) = x.Max(1);
        AssertValues(values, [2], 4, 5);
        AssertValues(indices, [2], 2, 1);
        (values, indices) = x.Min(0, keepDim: true);
        AssertValues(values, [1, 3], 1, -1, -9);
        AssertValues(indices, [1, 3], 1, 0, 1);
        AssertValues(x.ArgMax(0), [3], 0, 1, 0);
        AssertValues(x.ArgMin(-1, keepDim: true), [2, 1], 1, 2);
        Assert.Equal(dtype, values.DType);
        Assert.Equal(DType.Int64, indices.DType); // PyTorch's indices are int64
        Assert.Equal(DType.Int64, x.ArgMax(0).DType);
        // Non-contiguous: x.T = [[3, 1], [-1, 5], [4, -9]].
        AssertValues(x.T.Max(1).Values, [3], 3, 5, 4);
        AssertValues(x.T.ArgMin(1), [3], 1, 0, 1);
    }

    [Fact]
    public void MaxMin_NaNPropagates_AsPyTorch()
    {
        var x = Tensor.FromArray([1.0, double.NaN, 3], [3]);
        AssertValues(x.Max(), [], double.NaN);
        AssertValues(x.Min(), [], double.NaN);
    }

    [Fact]
    public void ArgMaxArgMin_ReturnTheFirstIndexOnTies_MatchesPyTorch()
    {
        var x = Tensor.FromArray([1.0, 7, 7, 0, 0], [5]);
        AssertValues(x.ArgMax(0), [], 1);
        AssertValues(x.ArgMin(0), [], 3);
        // torch.tensor([[1., 3., 3., 0.], [nan, 2., nan, 5.]]).argmax(1) == [1, 0], argmin(1) == [3, 0]: the first NaN wins.
        var withNaN = Tensor.FromArray([1.0, 3, 3, 0, double.NaN, 2, double.NaN, 5], [2, 4]);
        Assert.Equal([1L, 0], withNaN.ArgMax(1).ToArray<long>());
        Assert.Equal([3L, 0], withNaN.ArgMin(1).ToArray<long>());
        var (values, indices) = withNaN.Max(1);
        Assert.Equal([1L, 0], indices.ToArray<long>());
        Assert.True(double.IsNaN(values.ToDoubleArray()[1]));
    }

    [Fact]
    public void MaxMinAll_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(73);
        var x = Distinct(g, [3, 4]);
        CheckGradients(t => t[0].Max(), x);
        CheckGradients(t => t[0].Min(), x);
        CheckGradients(t => t[0].T.Narrow(0, 1, 2).Max() * t[0].Min(), x);
        CheckGradients(t => t[0].Max(), Distinct(g, [4, 3], requiresGrad: false).T.SetRequiresGrad());
    }

    [Fact]
    public void MaxMinAlongDim_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(74);
        var x = Distinct(g, [2, 3, 4]);
        CheckGradients(t => t[0].Max(1).Values, x);
        CheckGradients(t => t[0].Max(-1, keepDim: true).Values, x);
        CheckGradients(t => t[0].Min(0).Values, x);
        CheckGradients(t => t[0].Min(2, keepDim: true).Values * t[0].Max(2, keepDim: true).Values, x);
        CheckGradients(t => t[0].Permute(2, 0, 1).Max(0).Values, x);
        CheckGradients(t => t[0].Narrow(2, 1, 2).Min(1).Values, x);
        CheckGradients(t => t[0].Max(0).Values, Distinct(g, []));
    }

    [Fact]
    public void MaxAll_DistributesTheGradientEvenlyAmongTies_MatchesPyTorch()
    {
        var x = Tensor.FromArray([1.0, 3, 3, 2, 3, 0], [2, 3], requiresGrad: true);
        AssertValues(GradOf(t => t.Max(), x), [2, 3], 0, 1 / 3.0, 1 / 3.0, 0, 1 / 3.0, 0);
        AssertValues(GradOf(t => t.Min(), Tensor.FromArray([0.0, 1, 0], [3], requiresGrad: true)), [3], 0.5, 0, 0.5);
    }

    [Fact]
    public void MaxAlongDim_GradientGoesToTheReturnedIndexOnly()
    {
        var x = Tensor.FromArray([2.0, 2, 1, 0, 5, 5], [2, 3], requiresGrad: true);
        var (values, indices) = x.Max(1);
        values.Sum().Backward();
        var grad = x.Grad!.ToDoubleArray();
        var idx = indices.ToArray<long>();
        for (int row = 0; row < 2; row++)
        {
            for (int col = 0; col < 3; col++)
            {
                Assert.Equal(col == (int)idx[row] ? 1.0 : 0.0, grad[row * 3 + col]);
            }
        }
        AssertValues(values, [2], 2, 5);
    }

    [Fact]
    public void MaxMinAlongDim_OfAScalarTensor()
    {
        var s = Tensor.Scalar(3.0, DType.Float64, requiresGrad: true);
        var (values, indices) = s.Max(0);
        AssertValues(values, [], 3);
        AssertValues(indices, [], 0);
        AssertValues(GradOf(t => t.Min(-1).Values, s), [], 1);
    }

    [Fact]
    public void Indices_CarryNoGradient()
    {
        var x = Tensor.FromArray([1.0, 2], [2], requiresGrad: true);
        var (values, indices) = x.Max(0);
        Assert.True(values.RequiresGrad);
        Assert.False(indices.RequiresGrad);
        Assert.False(x.ArgMax(0).RequiresGrad);
    }

    public static TheoryData<string> DimOps() => new() { "Sum", "Mean", "Max", "Min", "ArgMax", "ArgMin" };

    [Theory]
    [MemberData(nameof(DimOps))]
    public void Reduction_DimOutOfRange_Throws(string op)
    {
        var x = Tensor.Zeros(2, 3);
        AssertThrows<ArgumentOutOfRangeException>(() => ReduceAlong(op, x, 2), $"{op}:", "dimension out of range", "[-2, 1]", "got 2");
        AssertThrows<ArgumentOutOfRangeException>(() => ReduceAlong(op, x, -3), $"{op}:", "got -3");
    }

    [Fact]
    public void SumMean_RepeatedDims_Throw()
    {
        var x = Tensor.Zeros(2, 3);
        AssertThrows<ArgumentException>(() => x.Sum([1, -1]), "Sum:", "dim 1 appears multiple times", "[1, -1]");
        AssertThrows<ArgumentException>(() => x.Mean([0, 0]), "Mean:", "dim 0 appears multiple times");
    }

    [Fact]
    public void MaxMin_OfAnEmptyTensor_Throw()
    {
        var empty = Tensor.Zeros(2, 0);
        AssertThrows<ArgumentException>(() => empty.Max(), "Max:", "numel() == 0", "[2, 0]");
        AssertThrows<ArgumentException>(() => empty.Min(), "Min:", "numel() == 0", "[2, 0]");
        // PyTorch's words: "max(): Expected reduction dim 1 to have non-zero size."
        AssertThrows<ArgumentException>(() => empty.Max(1), "Max:", "Expected reduction dim 1 to have non-zero size", "[2, 0]");
        AssertThrows<ArgumentException>(() => empty.ArgMin(1), "ArgMin:", "Expected reduction dim 1 to have non-zero size", "[2, 0]");
    }

    private static object ReduceAlong(string op, Tensor x, int dim) => op switch
    {
        "Sum" => x.Sum(dim),
        "Mean" => x.Mean(dim),
        "Max" => x.Max(dim),
        "Min" => x.Min(dim),
        "ArgMax" => x.ArgMax(dim),
        _ => x.ArgMin(dim),
    };
}
