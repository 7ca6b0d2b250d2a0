using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Gather and ScatterAdd.</summary>
public class GatherTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Gather_ForwardValues(DType dtype)
    {
        // x = [[1, 2, 3], [4, 5, 6]]
        var x = Make(dtype, [2, 3], 1, 2, 3, 4, 5, 6);
        AssertValues(x.Gather(1, Tensor.FromArray([0L, 0, 2, 1], [2, 2])), [2, 2], 1, 1, 6, 5);
        AssertValues(x.Gather(0, Tensor.FromArray([1L, 0, 1], [1, 3])), [1, 3], 4, 2, 6);
        AssertValues(x.Gather(-1, Tensor.FromArray([2L], [1, 1])), [1, 1], 3);
        // The index may be longer than the input along the gathered dim.
        AssertValues(x.Gather(0, Tensor.FromArray([1L, 1, 0], [3, 1])), [3, 1], 4, 4, 1);
        // A non-contiguous input: x.T = [[1, 4], [2, 5], [3, 6]].
        AssertValues(x.T.Gather(1, Tensor.FromArray([1L, 0, 1], [3, 1])), [3, 1], 4, 2, 6);
        // The result has the input's dtype; the index is Int64.
        Assert.Equal(dtype, x.Gather(1, Tensor.FromArray([0L], [1, 1])).DType);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void ScatterAdd_ForwardValues_RepeatedIndicesAccumulate(DType dtype)
    {
        var zeros = Make(dtype, [2, 3], 0, 0, 0, 0, 0, 0);
        var index = Tensor.FromArray([0L, 0, 2, 1], [2, 2]);
        var source = Make(dtype, [2, 2], 1, 2, 3, 4);
        AssertValues(zeros.ScatterAdd(1, index, source), [2, 3], 3, 0, 0, 0, 4, 3);
        var ones = Make(dtype, [2, 2], 1, 1, 1, 1);
        AssertValues(ones.ScatterAdd(0, Tensor.FromArray([1L, 1], [1, 2]), Make(dtype, [1, 2], 5, 6)), [2, 2], 1, 1, 6, 7);
        // Out of place: the input is unchanged.
        AssertValues(zeros, [2, 3], 0, 0, 0, 0, 0, 0);
        // A non-contiguous base: ones.T is still all ones.
        AssertValues(ones.T.ScatterAdd(1, Tensor.FromArray([0L, 0], [2, 1]), Make(dtype, [2, 1], 2, 3)), [2, 2], 3, 1, 4, 1);
    }

    [Fact]
    public void Gather_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(111);
        var x = Uniform(g, [2, 3, 4]);
        // Repeated indices make the backward accumulate.
        var index1 = Tensor.FromArray([0L, 2, 2, 1, 0, 0, 1, 1, 2, 0, 1, 2], [2, 2, 3]);
        CheckGradients(t => t[0].Gather(1, index1), x);
        var index0 = Tensor.FromArray([1L, 0, 1, 1, 0, 0], [1, 2, 3]);
        CheckGradients(t => t[0].Gather(0, index0), x);
        var indexLast = Tensor.FromArray([3L, 3, 0, 1, 2, 3], [2, 3, 1]);
        CheckGradients(t => t[0].Gather(-1, indexLast) * t[0].Gather(-1, indexLast), x);
    }

    [Fact]
    public void Gather_GradientsMatchFiniteDifferences_OnNonContiguousInputs()
    {
        var g = new Generator(112);
        var x = Uniform(g, [3, 4]);
        var index = Tensor.FromArray([2L, 0, 0, 1, 1, 1, 2, 2], [4, 2]);
        CheckGradients(t => t[0].T.Gather(1, index), x);
        CheckGradients(t => t[0].Narrow(1, 1, 2).Gather(0, Tensor.FromArray([2L, 0, 2, 2], [2, 2])), x);
        CheckGradients(t => t[0].Select(0, 1).Expand(3, 4).Gather(1, Tensor.FromArray([3L, 3, 0], [3, 1])), x);
        CheckGradients(t => t[0].Gather(1, index), TransposedLeaf(g, 4, 3));
        CheckGradients(t => t[0].Gather(1, index), SlicedLeaf(g, 4, 3));
    }

    [Fact]
    public void ScatterAdd_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(113);
        var x = Uniform(g, [2, 3]);
        var source = Uniform(g, [2, 2]);
        var index = Tensor.FromArray([0L, 0, 2, 1], [2, 2]);
        CheckGradients(t => t[0].ScatterAdd(1, index, t[1]), x, source);
        CheckGradients(t => (t[0] * t[0]).ScatterAdd(0, Tensor.FromArray([1L, 1, 0, 1], [2, 2]), t[1].Sin()), x, source);
        CheckGradients(t => t[0].T.ScatterAdd(1, Tensor.FromArray([1L, 0, 0], [3, 1]), t[1].Narrow(0, 1, 1).T.Narrow(0, 0, 1).Expand(3, 1)), x, source);
        CheckGradients(t => t[0].ScatterAdd(1, index, t[1]), TransposedLeaf(g, 2, 3), TransposedLeaf(g, 2, 2));
    }

    [Fact]
    public void Gather_GradientAccumulatesOverRepeatedIndices()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], [2, 3], requiresGrad: true);
        var index = Tensor.FromArray([0L, 0, 2, 1], [2, 2]);
        AssertValues(GradOf(t => t.Gather(1, index), x), [2, 3], 2, 0, 0, 0, 1, 1);
    }

    [Fact]
    public void ScatterAdd_GradientOfSourceGathersTheOutputGradient()
    {
        var source = Tensor.FromArray([1.0, 2, 3, 4], [2, 2], requiresGrad: true);
        var index = Tensor.FromArray([0L, 0, 2, 1], [2, 2]);
        var weights = Tensor.FromArray([10.0, 20, 30, 40, 50, 60], [2, 3]);
        AssertValues(GradOf(t => Tensor.Zeros([2, 3], DType.Float64).ScatterAdd(1, index, t) * weights, source), [2, 2], 10, 10, 60, 50);
    }

    [Fact]
    public void GatherScatterAdd_GradFnNamesFollowPyTorch()
    {
        var x = Tensor.Ones([2, 2], requiresGrad: true);
        var index = Tensor.FromArray(new long[4], [2, 2]);
        Assert.Equal("GatherBackward", x.Gather(0, index).GradFn!.Name);
        Assert.Equal("ScatterAddBackward", x.ScatterAdd(0, index, x).GradFn!.Name);
    }

    [Fact]
    public void Gather_FloatOrInt32Index_IsRefusedAsPyTorchDoes()
    {
        // PyTorch 1.13: "gather(): Expected dtype int64 for index" for float and int32 indices alike.
        var x = Tensor.Ones(2, 3);
        AssertThrows<ArgumentException>(() => x.Gather(1, Tensor.FromArray([1.0], [1, 1])), "Gather:", "Expected dtype int64 for index", "torch.float64");
        AssertThrows<ArgumentException>(() => x.Gather(1, Tensor.FromArray([1f], [1, 1])), "Gather:", "Expected dtype int64 for index", "torch.float32");
        AssertThrows<ArgumentException>(() => x.ScatterAdd(1, Tensor.FromArray([1f], [1, 1]), Tensor.Ones(1, 1)), "ScatterAdd:", "Expected dtype int64 for index");
        AssertThrows<ArgumentException>(() => x.Scatter(1, Tensor.FromArray([true], [1, 1]), 1.0), "Scatter:", "Expected dtype int64 for index", "torch.bool");
    }

    [Fact]
    public void Gather_IndexOutOfRange_Throws()
    {
        var x = Tensor.Ones(2, 3);
        // PyTorch's words; gather does not wrap negative indices.
        AssertThrows<ArgumentException>(() => x.Gather(1, Tensor.FromArray([3L], [1, 1])), "Gather:", "index 3", "out of bounds for dimension 1 with size 3");
        AssertThrows<ArgumentException>(() => x.Gather(0, Tensor.FromArray([-1L], [1, 1])), "Gather:", "index -1", "out of bounds for dimension 0 with size 2");
    }

    [Fact]
    public void Gather_ShapeAndDimErrors()
    {
        var x = Tensor.Ones(2, 3);
        AssertThrows<ArgumentException>(() => x.Gather(1, Tensor.FromArray(new long[2], [2])), "Gather:", "same number of dimensions", "[2]", "[2, 3]");
        AssertThrows<ArgumentException>(() => x.Gather(1, Tensor.FromArray(new long[3], [3, 1])), "Gather:", "size does not match at dimension 0", "[3, 1]", "[2, 3]");
        AssertThrows<ArgumentOutOfRangeException>(() => x.Gather(2, Tensor.FromArray(new long[1], [1, 1])), "Gather:", "dimension out of range", "got 2");
    }

    [Fact]
    public void ScatterAdd_Errors()
    {
        var x = Tensor.Ones(2, 3);
        var index = Tensor.FromArray(new long[4], [2, 2]);
        AssertThrows<ArgumentException>(() => x.ScatterAdd(1, index, Tensor.Ones([2, 2], DType.Float64)), "ScatterAdd:", "Float32", "Float64");
        AssertThrows<ArgumentException>(() => x.ScatterAdd(1, index, Tensor.Ones(2, 3)), "ScatterAdd:", "same shape", "[2, 2]", "[2, 3]");
        AssertThrows<ArgumentException>(() => x.ScatterAdd(1, index, Tensor.Ones(2, 1)), "ScatterAdd:", "[2, 2]", "[2, 1]");
        AssertThrows<ArgumentException>(() => x.ScatterAdd(1, Tensor.FromArray([5L], [1, 1]), Tensor.Ones(1, 1)), "ScatterAdd:", "index 5", "out of bounds for dimension 1 with size 3");
        AssertThrows<ArgumentOutOfRangeException>(() => x.ScatterAdd(-3, index, Tensor.Ones(2, 2)), "ScatterAdd:", "dimension out of range");
    }
}
