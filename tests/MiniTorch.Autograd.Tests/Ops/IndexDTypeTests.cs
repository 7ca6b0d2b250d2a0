using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>
/// Int64 indices (#13): ops that return positions, ops that take them, x[idx] and x[mask]. Expected values are PyTorch
/// 1.13's, printed by torch for the same inputs (quoted beside each case).
/// </summary>
public class IndexDTypeTests
{
    private static Tensor Arange12() => Tensor.FromArray([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [3, 4]);

    [Fact]
    public void IndexTensor_IsInt64_AndExactAbove2To24()
    {
        // Float32 rounds 2^24 + 1 to 2^24; an Int64 index keeps it.
        var index = Tensor.IndexTensor(16_777_217, 3);
        Assert.Equal(DType.Int64, index.DType);
        Assert.Equal([16_777_217L, 3], index.ToArray<long>());
        AssertThrows<ArgumentException>(() => Tensor.Ones(2, 3).IndexSelect(1, index), "IndexSelect:", "index 16777217", "size 3");
    }

    [Fact]
    public void IndexOutputs_AreInt64()
    {
        var x = Tensor.FromArray([3.0, 1, 3, 2, 0, -1, 5, 5], [2, 4]);
        Assert.Equal(DType.Int64, x.ArgMax(1).DType);
        Assert.Equal(DType.Int64, x.ArgMin(0, keepDim: true).DType);
        Assert.Equal(DType.Int64, x.Max(1).Indices.DType);
        Assert.Equal(DType.Int64, x.Min(0).Indices.DType);
        Assert.Equal(DType.Int64, x.Sort().Indices.DType);
        Assert.Equal(DType.Int64, x.TopK(2).Indices.DType);
        Assert.Equal(DType.Int64, x.Nonzero().DType);
        Assert.False(x.SetRequiresGrad().Sort().Indices.RequiresGrad);
    }

    [Fact]
    public void Sort_MatchesPyTorch_StableAndNaNLast()
    {
        var x = Tensor.FromArray([3.0, 1, 3, 2, 0, -1, 5, 5], [2, 4]);
        // x.sort(1): values [[1, 2, 3, 3], [-1, 0, 5, 5]], indices [[1, 3, 0, 2], [1, 0, 2, 3]]
        var (values, indices) = x.Sort(1);
        AssertValues(values, [2, 4], 1, 2, 3, 3, -1, 0, 5, 5);
        Assert.Equal([1L, 3, 0, 2, 1, 0, 2, 3], indices.ToArray<long>());
        // x.sort(0, descending=True): indices [[0, 0, 1, 1], [1, 1, 0, 0]]
        (values, indices) = x.Sort(0, descending: true);
        AssertValues(values, [2, 4], 3, 1, 5, 5, 0, -1, 3, 2);
        Assert.Equal([0L, 0, 1, 1, 1, 1, 0, 0], indices.ToArray<long>());
        // torch.tensor([3., 1, 3, 2, 1, 3]).sort(descending=True).indices == [0, 2, 5, 3, 1, 4]
        Assert.Equal([0L, 2, 5, 3, 1, 4], Tensor.FromArray([3.0, 1, 3, 2, 1, 3]).Sort(descending: true).Indices.ToArray<long>());
        // tensor([2., nan, 1., nan]).sort() -> indices [2, 0, 1, 3]; descending -> [1, 3, 0, 2]
        var withNaN = Tensor.FromArray([2.0, double.NaN, 1, double.NaN]);
        Assert.Equal([2L, 0, 1, 3], withNaN.Sort().Indices.ToArray<long>());
        Assert.Equal([1L, 3, 0, 2], withNaN.Sort(descending: true).Indices.ToArray<long>());
        // Integer input: tensor([3, 1, 2]).sort() -> values [1, 2, 3] (int64), indices [1, 2, 0]
        var (ints, order) = Tensor.FromArray([3L, 1, 2]).Sort();
        Assert.Equal(DType.Int64, ints.DType);
        Assert.Equal([1L, 2, 3], ints.ToArray<long>());
        Assert.Equal([1L, 2, 0], order.ToArray<long>());
    }

    [Fact]
    public void TopK_MatchesPyTorch()
    {
        var x = Tensor.FromArray([3.0, 1, 4, 2, 0, -1, 5, 6], [2, 4]);
        // x.topk(2, 1): values [[4, 3], [6, 5]], indices [[2, 0], [3, 2]]
        var (values, indices) = x.TopK(2, 1);
        AssertValues(values, [2, 2], 4, 3, 6, 5);
        Assert.Equal([2L, 0, 3, 2], indices.ToArray<long>());
        // x.topk(1, 0, largest=False): values [[0, -1, 4, 2]], indices [[1, 1, 0, 0]]
        (values, indices) = x.TopK(1, 0, largest: false);
        AssertValues(values, [1, 4], 0, -1, 4, 2);
        Assert.Equal([1L, 1, 0, 0], indices.ToArray<long>());
        // NaN is the largest: tensor([2., nan, 1., nan]).topk(2) -> indices [1, 3]
        Assert.Equal([1L, 3], Tensor.FromArray([2.0, double.NaN, 1, double.NaN]).TopK(2).Indices.ToArray<long>());
        AssertThrows<ArgumentOutOfRangeException>(() => x.TopK(5, 1), "TopK:", "k out of range", "k = 5", "size 4");
    }

    [Fact]
    public void SortAndTopK_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(131);
        var x = Distinct(g, [3, 4]);
        CheckGradients(t => t[0].Sort(1).Values * t[0].Sort(1).Values, x);
        CheckGradients(t => t[0].Sort(0, descending: true).Values.Sin(), x);
        CheckGradients(t => t[0].TopK(2, 1).Values.Exp(), x);
        CheckGradients(t => t[0].T.TopK(2, 0, largest: false).Values * 2, x);
        CheckGradients(t => t[0].Narrow(1, 1, 2).Sort().Values.Cos(), x);
        Assert.Equal("SortBackward", x.Sort().Values.GradFn!.Name);
        Assert.Equal("TopkBackward", x.TopK(1).Values.GradFn!.Name);
    }

    [Fact]
    public void NonzeroUniqueBincount_MatchPyTorch()
    {
        // torch.tensor([[0, 1.5, 0], [-2, 3, 0]]).nonzero() -> [[0, 1], [1, 0], [1, 1]]
        var nz = Tensor.FromArray([0.0, 1.5, 0, -2, 3, 0], [2, 3]).Nonzero();
        Assert.Equal([3, 2], nz.Shape);
        Assert.Equal([0L, 1, 1, 0, 1, 1], nz.ToArray<long>());
        // torch.tensor(3.).nonzero() has shape [1, 0]
        Assert.Equal([1, 0], Tensor.Scalar(3.0).Nonzero().Shape);
        Assert.Equal([2, 1], Tensor.FromArray([true, false, true]).Nonzero().Shape);

        // torch.unique(tensor([[3, 1, 3], [2, 1, 3]]), return_inverse=True, return_counts=True)
        //   -> values [1, 2, 3], inverse [[2, 0, 2], [1, 0, 2]], counts [2, 1, 3]
        var (values, inverse, counts) = Tensor.FromArray([3L, 1, 3, 2, 1, 3], [2, 3]).Unique(returnInverse: true, returnCounts: true);
        Assert.Equal([1L, 2, 3], values.ToArray<long>());
        Assert.Equal([2, 3], inverse!.Shape);
        Assert.Equal([2L, 0, 2, 1, 0, 2], inverse.ToArray<long>());
        Assert.Equal([2L, 1, 3], counts!.ToArray<long>());
        var (floats, noInverse, noCounts) = Tensor.FromArray([0.5, -1, 0.5]).Unique();
        AssertValues(floats, [2], -1, 0.5);
        Assert.Null(noInverse);
        Assert.Null(noCounts);

        // torch.bincount(tensor([1, 3, 1, 0, 3]), weights=tensor([.5, 1, .25, 2, 1]), minlength=6) -> [2, .75, 0, 2, 0, 0]
        var bins = Tensor.FromArray([1L, 3, 1, 0, 3]);
        var weighted = bins.Bincount(Tensor.FromArray([0.5f, 1, 0.25f, 2, 1]), minlength: 6);
        Assert.Equal(DType.Float32, weighted.DType);
        AssertValues(weighted, [6], 2, 0.75, 0, 2, 0, 0);
        var counted = bins.Bincount();
        Assert.Equal(DType.Int64, counted.DType);
        Assert.Equal([1L, 2, 0, 2], counted.ToArray<long>());
        AssertThrows<ArgumentException>(() => Tensor.FromArray([1L, -1]).Bincount(), "Bincount:", "non-negative integral");
        AssertThrows<ArgumentException>(() => Tensor.FromArray([1.0, 2]).Bincount(), "Bincount:", "non-negative integral", "torch.float64");
    }

    [Fact]
    public void Scatter_MatchesPyTorch_AndRefusesFloatIndices()
    {
        // torch.zeros(3, 4).scatter(1, tensor([[3, 0], [1, 2], [2, 0]]), tensor([[1., 2], [3, 4], [5, 6]]))
        var r = Tensor.Zeros([3, 4], DType.Float64).Scatter(1, Tensor.FromArray([3L, 0, 1, 2, 2, 0], [3, 2]), Tensor.FromArray([1.0, 2, 3, 4, 5, 6], [3, 2]));
        AssertValues(r, [3, 4], 2, 0, 0, 1, 0, 3, 4, 0, 6, 0, 5, 0);
        // torch.zeros(2, 3).scatter(0, tensor([[1, 0, 1]]), 7.) -> [[0, 7, 0], [7, 0, 7]]
        AssertValues(Tensor.Zeros([2, 3], DType.Float64).Scatter(0, Tensor.FromArray([1L, 0, 1], [1, 3]), 7.0), [2, 3], 0, 7, 0, 7, 0, 7);
        // The source may be larger than the index (only its leading block is read), as in PyTorch.
        AssertValues(Tensor.Zeros([2, 2], DType.Float64).Scatter(0, Tensor.FromArray([1L], [1, 1]), Tensor.FromArray([9.0, 8, 7, 6], [2, 2])), [2, 2], 0, 0, 9, 0);
        AssertThrows<ArgumentException>(() => Tensor.Zeros(2, 3).Scatter(1, Tensor.FromArray([1f], [1, 1]), Tensor.Ones(1, 1)), "Scatter:", "Expected dtype int64 for index");
        AssertThrows<ArgumentException>(() => Tensor.Zeros(2, 3).Scatter(1, Tensor.FromArray([3L], [1, 1]), 1.0), "Scatter:", "index 3", "out of bounds for dimension 1 with size 3");
    }

    [Fact]
    public void Scatter_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(132);
        var x = Uniform(g, [3, 4]);
        var source = Uniform(g, [3, 2]);
        var index = Tensor.FromArray([3L, 0, 1, 2, 2, 0], [3, 2]); // unique within each row: the gradient is defined
        CheckGradients(t => t[0].Scatter(1, index, t[1]), x, source);
        CheckGradients(t => (t[0] * t[0]).Scatter(1, index, t[1].Sin()), x, source);
        CheckGradients(t => t[0].T.Scatter(0, Tensor.FromArray([1L, 0], [2, 1]), t[1].Narrow(0, 0, 2).Narrow(1, 0, 1)), x, source);
        CheckGradients(t => t[0].Scatter(1, index, -2.0).Exp(), x);
        CheckGradients(t => t[0].Scatter(1, index, t[1]), TransposedLeaf(g, 3, 4), TransposedLeaf(g, 2, 3).T);
    }

    [Fact]
    public void IntegerIndexing_MatchesPyTorch_WrapsNegatives()
    {
        var y = Arange12();
        // y[tensor([[2, -1], [0, 1]])] has shape [2, 2, 4]: rows 2, 2, 0, 1
        AssertValues(y[Tensor.FromArray([2L, -1, 0, 1], [2, 2])], [2, 2, 4], 8, 9, 10, 11, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6, 7);
        // y[:, tensor([3, -4, 1])] -> [[3, 0, 1], [7, 4, 5], [11, 8, 9]]
        AssertValues(y[TensorIndex.All, Tensor.FromArray([3L, -4, 1])], [3, 3], 3, 0, 1, 7, 4, 5, 11, 8, 9);
        // A basic int before the tensor selects first, as PyTorch: y[1, tensor([0, 3])] -> [4, 7]
        AssertValues(y[1, Tensor.FromArray([0L, 3])], [2], 4, 7);
        // A 0-d index removes the dim.
        AssertValues(y[Tensor.FromArray([2L], [])], [4], 8, 9, 10, 11);
        // Non-contiguous: y.T[tensor([1])] -> [[1, 5, 9]]
        AssertValues(y.T[Tensor.FromArray([1L])], [1, 3], 1, 5, 9);
    }

    [Fact]
    public void IntegerIndexing_Errors_NameTheIndexDimAndSize()
    {
        var y = Arange12();
        // PyTorch: "index 3 is out of bounds for dimension 0 with size 3" (an IndexError there).
        AssertThrows<ArgumentException>(() => _ = y[Tensor.FromArray([3L])], "Index:", "index 3 is out of bounds for dimension 0 with size 3");
        AssertThrows<ArgumentException>(() => _ = y[TensorIndex.All, Tensor.FromArray([-5L])], "Index:", "index -5", "dimension 1 with size 4");
        AssertThrows<ArgumentException>(() => _ = y[Tensor.FromArray([1.0])], "Index:", "must be long or bool", "torch.float64");
        AssertThrows<NotSupportedException>(() => _ = y[Tensor.FromArray([1L]), Tensor.FromArray([1L])], "one tensor entry");
    }

    [Fact]
    public void MaskIndexing_MatchesPyTorch()
    {
        var y = Arange12();
        // y[tensor([False, True, True])] -> rows 1 and 2
        AssertValues(y[Tensor.FromArray([false, true, true])], [2, 4], 4, 5, 6, 7, 8, 9, 10, 11);
        // A full-shape mask gives a 1-D result: the even columns.
        var even = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => i % 2 == 0).ToArray(), [3, 4]);
        AssertValues(y[even], [6], 0, 2, 4, 6, 8, 10);
        AssertValues(y.MaskedSelect(even), [6], 0, 2, 4, 6, 8, 10);
        // A mask over a later dim: y[:, tensor([True, False, False, True])]
        AssertValues(y[TensorIndex.All, Tensor.FromArray([true, false, false, true])], [3, 2], 0, 3, 4, 7, 8, 11);
        // PyTorch's words for a mask of the wrong shape.
        AssertThrows<ArgumentException>(() => _ = y[Tensor.FromArray([true, false])], "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3, 4] at index 0");
        AssertThrows<ArgumentException>(() => y.MaskedSelect(Tensor.FromArray([1.0, 0, 1, 0])), "MaskedSelect:", "Bool mask");
    }

    [Fact]
    public void TensorIndexing_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(133);
        var x = Uniform(g, [3, 4]);
        var idx = Tensor.FromArray([2L, -1, 0, 2], [2, 2]);
        var mask = Tensor.FromArray([true, false, true, true, false, false, true, false, false, true, true, false], [3, 4]);
        CheckGradients(t => t[0][idx], x);
        CheckGradients(t => t[0][TensorIndex.All, Tensor.FromArray([3L, 0, 3])] * t[0][TensorIndex.All, Tensor.FromArray([1L, 1, 2])], x);
        CheckGradients(t => t[0].T[idx], x);
        CheckGradients(t => t[0][mask].Exp(), x);
        CheckGradients(t => t[0][Tensor.FromArray([false, true, true])].Sin(), x);
        CheckGradients(t => t[0].T[TensorIndex.All, Tensor.FromArray([true, false, true])], x);
        CheckGradients(t => t[0].MaskedSelect(Tensor.FromArray([true, false, false, true])), x); // a broadcast mask
    }

    [Fact]
    public void TensorIndexAssignment_MatchesPyTorch_WithGradients()
    {
        // z = zeros(3, 4); z[tensor([2, 0])] = tensor([1., 2, 3, 4]) -> rows 0 and 2 set
        var z = Tensor.Zeros([3, 4], DType.Float64);
        z[Tensor.FromArray([2L, 0])] = Tensor.FromArray([1.0, 2, 3, 4]);
        AssertValues(z, [3, 4], 1, 2, 3, 4, 0, 0, 0, 0, 1, 2, 3, 4);
        // y = zeros(3); y[tensor([True, False, True])] = tensor([5., 6]) -> [5, 0, 6]
        var y = Tensor.Zeros([3], DType.Float64);
        y[Tensor.FromArray([true, false, true])] = Tensor.FromArray([5.0, 6]);
        AssertValues(y, [3], 5, 0, 6);
        // Negative indices wrap, as in PyTorch.
        y[Tensor.FromArray([-1L])] = Tensor.Scalar(9.0, DType.Float64);
        AssertValues(y, [3], 5, 0, 9);

        var g = new Generator(134);
        var x = Uniform(g, [3, 4]);
        var v = Uniform(g, [2, 4]);
        Tensor SetRows(Tensor[] t)
        {
            var w = t[0] * 1;
            w[Tensor.FromArray([2L, 0])] = t[1] * t[1];
            return w * w;
        }
        CheckGradients(SetRows, x, v);
        var mask = Tensor.FromArray([true, false, true, false, false, true, false, false, true, false, false, true], [3, 4]);
        Tensor SetMasked(Tensor[] t)
        {
            var w = t[0] * 1;
            w[mask] = t[1].Narrow(0, 0, 1).Narrow(1, 0, 1) * 3; // a broadcast value
            return w.Sin();
        }
        CheckGradients(SetMasked, x, v);
        AssertThrows<ArgumentException>(() => Tensor.Zeros(3)[Tensor.FromArray([3L])] = Tensor.Scalar(1f), "IndexPut:", "index 3", "size 3");
    }
}
