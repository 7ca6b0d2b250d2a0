using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>IndexSelect, IndexAdd and IndexTensor.</summary>
public class IndexSelectTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void IndexSelect_ForwardValues(DType dtype)
    {
        // x = [[1, 2, 3], [4, 5, 6]]
        var x = Make(dtype, [2, 3], 1, 2, 3, 4, 5, 6);
        AssertValues(x.IndexSelect(0, 1, 1, 0), [3, 3], 4, 5, 6, 4, 5, 6, 1, 2, 3);
        AssertValues(x.IndexSelect(1, Tensor.IndexTensor(2, 0)), [2, 2], 3, 1, 6, 4);
        AssertValues(x.IndexSelect(-1, Tensor.FromArray([1L], [1])), [2, 1], 2, 5);
        // A 0-d index keeps the dim with size 1, as PyTorch's index_select does.
        AssertValues(x.IndexSelect(0, Tensor.FromArray([1L], [])), [1, 3], 4, 5, 6);
        // An empty index gives an empty dim.
        Assert.Equal([2, 0], x.IndexSelect(1, Tensor.IndexTensor()).Shape);
        // Non-contiguous input: x.T = [[1, 4], [2, 5], [3, 6]].
        AssertValues(x.T.IndexSelect(0, 2, 0), [2, 2], 3, 6, 1, 4);
        Assert.Equal(dtype, x.IndexSelect(0, 0).DType);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void IndexAdd_ForwardValues_RepeatedIndicesAccumulate(DType dtype)
    {
        var x = Make(dtype, [3, 2], 0, 0, 0, 0, 0, 0);
        var source = Make(dtype, [3, 2], 1, 2, 3, 4, 5, 6);
        AssertValues(x.IndexAdd(0, Tensor.IndexTensor(2, 0, 2), source), [3, 2], 3, 4, 0, 0, 6, 8);
        var y = Make(dtype, [2, 3], 1, 1, 1, 1, 1, 1);
        AssertValues(y.IndexAdd(1, Tensor.IndexTensor(1), Make(dtype, [2, 1], 10, 20)), [2, 3], 1, 11, 1, 1, 21, 1);
        AssertValues(y.T.IndexAdd(0, Tensor.IndexTensor(1), Make(dtype, [1, 2], 10, 20)), [3, 2], 1, 1, 11, 21, 1, 1);
    }

    [Fact]
    public void IndexSelectOfAScalarTensor_WithOneIndex()
    {
        var s = Tensor.Scalar(7.0, DType.Float64);
        AssertValues(s.IndexSelect(0, 0), [], 7);
    }

    [Fact]
    public void IndexSelect_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(121);
        var x = Uniform(g, [3, 2, 2]);
        CheckGradients(t => t[0].IndexSelect(0, 2, 0, 2), x);
        CheckGradients(t => t[0].IndexSelect(-1, 1), x);
        CheckGradients(t => t[0].IndexSelect(1, 1, 1) * t[0].IndexSelect(1, 0, 1), x);
        CheckGradients(t => t[0].Permute(2, 0, 1).IndexSelect(1, 1, 0), x);
        CheckGradients(t => t[0].Narrow(0, 1, 2).IndexSelect(0, 1, 1), x);
        CheckGradients(t => t[0].IndexSelect(1, 2, 0), TransposedLeaf(g, 2, 3));
    }

    [Fact]
    public void IndexAdd_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(122);
        var x = Uniform(g, [3, 2]);
        var source = Uniform(g, [4, 2]);
        var index = Tensor.IndexTensor(2, 0, 2, 1);
        CheckGradients(t => t[0].IndexAdd(0, index, t[1]), x, source);
        CheckGradients(t => t[0].T.IndexAdd(1, index, t[1].T), x, source);
        CheckGradients(t => t[0].IndexAdd(1, Tensor.IndexTensor(0), t[1].Narrow(0, 0, 3).Narrow(1, 1, 1)), x, source);
        CheckGradients(t => t[0].IndexAdd(0, index, t[1]), TransposedLeaf(g, 3, 2), TransposedLeaf(g, 4, 2));
    }

    [Fact]
    public void IndexSelect_GradientAccumulatesOverRepeatedIndices()
    {
        var x = Tensor.FromArray([1.0, 2, 3], [3], requiresGrad: true);
        AssertValues(GradOf(t => t.IndexSelect(0, 2, 2, 0, 2), x), [3], 1, 0, 3);
    }

    [Fact]
    public void IndexSelect_IndexOutOfRange_ThrowsNamingIndexSelect()
    {
        var x = Tensor.Ones(2, 3);
        AssertThrows<ArgumentException>(() => x.IndexSelect(1, 3), "IndexSelect:", "index 3", "out of bounds for dimension 1 with size 3");
        // index_select does not wrap negative indices (PyTorch: "index out of range in self").
        AssertThrows<ArgumentException>(() => x.IndexSelect(0, -1), "IndexSelect:", "index -1", "out of bounds for dimension 0 with size 2");
    }

    [Fact]
    public void IndexSelect_FloatIndex_IsRefused_Int32Accepted_AsPyTorch()
    {
        // PyTorch 1.13: "index_select(): Expected dtype int32 or int64 for index"; an int32 index works.
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], [2, 3]);
        AssertThrows<ArgumentException>(() => x.IndexSelect(0, Tensor.FromArray([0.0], [1])), "IndexSelect:", "Expected dtype int32 or int64 for index", "torch.float64");
        AssertThrows<ArgumentException>(() => x.IndexAdd(0, Tensor.FromArray([0f], [1]), Tensor.Ones([1, 3], DType.Float64)), "IndexAdd:", "int32 or int64");
        var int32 = Tensor.Empty([2], DType.Int32);
        int32.Data<int>()[0] = 2;
        int32.Data<int>()[1] = 0;
        AssertValues(x.IndexSelect(1, int32), [2, 2], 3, 1, 6, 4);
        AssertValues(x.IndexSelect(0, int32.Narrow(0, 1, 1)), [1, 3], 1, 2, 3);
    }

    [Fact]
    public void IndexSelect_ShapeAndDimErrors()
    {
        var x = Tensor.Ones(2, 3);
        AssertThrows<ArgumentException>(() => x.IndexSelect(0, Tensor.FromArray(new long[1], [1, 1])), "IndexSelect:", "1-D", "[1, 1]");
        AssertThrows<ArgumentOutOfRangeException>(() => x.IndexSelect(2, 0), "IndexSelect:", "dimension out of range", "got 2");
        AssertThrows<ArgumentException>(() => Tensor.Scalar(1).IndexSelect(0, 0, 0), "IndexSelect:", "2");
    }

    [Fact]
    public void IndexAdd_Errors()
    {
        var x = Tensor.Ones(3, 2);
        var index = Tensor.IndexTensor(0, 1);
        AssertThrows<ArgumentException>(() => x.IndexAdd(0, index, Tensor.Ones(3, 2)), "IndexAdd:", "source shape [3, 2]", "must be [2, 2]");
        AssertThrows<ArgumentException>(() => x.IndexAdd(0, Tensor.IndexTensor(0, 3), Tensor.Ones(2, 2)), "IndexAdd:", "index 3", "out of bounds for dimension 0 with size 3");
        AssertThrows<ArgumentException>(() => x.IndexAdd(0, index, Tensor.Ones([2, 2], DType.Float64)), "IndexAdd:", "Float32", "Float64");
        AssertThrows<ArgumentException>(() => x.IndexAdd(0, Tensor.FromArray(new long[2], [2, 1]), Tensor.Ones(2, 2)), "IndexAdd:", "1-D", "[2, 1]");
        AssertThrows<ArgumentOutOfRangeException>(() => x.IndexAdd(-3, index, Tensor.Ones(2, 2)), "IndexAdd:", "dimension out of range");
    }
}
