using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Engine;

/// <summary>
/// Index, mask and condition tensors an op keeps for backward are saved tensors like any other (PyTorch saves them
/// too): an in-place change between forward and backward raises PyTorch's error instead of silently changing the
/// gradient, and they are released after backward, so a second backward through the node fails clearly.
/// </summary>
public class SavedIndexAndMaskVersionTests
{
    private const string Modified = "modified by an inplace operation";

    private static Tensor Input(params int[] shape) => Tensor.Rand(shape, DType.Float64).SetRequiresGrad();

    [Fact]
    public void GatherIndexChangedInPlace()
    {
        var x = Input(2, 3);
        var index = Tensor.FromArray([0L, 2, 1, 1], [2, 2]);
        var y = x.Gather(1, index);
        index.FillInPlace(0); // a valid index still, but not the one the forward read
        AssertThrows<AutogradException>(() => y.Sum().Backward(), Modified, "GatherBackward", "expected version");
    }

    [Fact]
    public void ScatterAddIndexChangedInPlace()
    {
        var x = Input(2, 3);
        var source = Input(2, 2);
        var index = Tensor.FromArray([0L, 2, 1, 1], [2, 2]);
        var y = x.ScatterAdd(1, index, source);
        index.FillInPlace(0);
        AssertThrows<AutogradException>(() => y.Sum().Backward(), Modified, "ScatterAddBackward");
    }

    [Fact]
    public void IndexSelectAndIndexAddIndexChangedInPlace()
    {
        var x = Input(4, 2);
        var index = Tensor.FromArray([3L, 0]);
        var selected = x.IndexSelect(0, index);
        var added = x.IndexAdd(0, index, Input(2, 2));
        index.FillInPlace(1);
        AssertThrows<AutogradException>(() => selected.Sum().Backward(), Modified, "IndexSelectBackward");
        // IndexAdd is recorded by the ScatterAdd it is computed with, whose index is a view of this one.
        AssertThrows<AutogradException>(() => added.Sum().Backward(), Modified, "ScatterAddBackward");
    }

    [Fact]
    public void WhereConditionAndMaskedFillMaskChangedInPlace()
    {
        var a = Input(3);
        var b = Input(3);
        var condition = Tensor.FromArray([true, false, true]);
        var chosen = Tensor.Where(condition, a, b);
        var filled = a.MaskedFill(condition, 5);
        condition.FillInPlace(0);
        AssertThrows<AutogradException>(() => chosen.Sum().Backward(), Modified, "WhereBackward");
        AssertThrows<AutogradException>(() => filled.Sum().Backward(), Modified, "WhereBackward");
    }

    [Fact]
    public void MaxAlongADimIndicesChangedInPlace()
    {
        var x = Tensor.FromArray([1.0, 5, 3, 4, 2, 6], [2, 3], requiresGrad: true);
        var (values, indices) = x.Max(1);
        indices.FillInPlace(0);
        AssertThrows<AutogradException>(() => values.Sum().Backward(), Modified, "MaxBackward");
    }

    [Fact]
    public void ReductionResultsChangedInPlace()
    {
        // Norm, LogSumExp and the tie-sharing Max save their result; an in-place change of it is caught.
        var x = Input(2, 3);
        var norm = x.Norm(2, [1]);
        norm.MulInPlace(2);
        AssertThrows<AutogradException>(() => norm.Sum().Backward(), Modified, "NormBackward");
        var lse = x.LogSumExp(1);
        lse.AddInPlace(1);
        AssertThrows<AutogradException>(() => lse.Sum().Backward(), Modified, "LogsumexpBackward");
        var max = x.Max();
        max.AddInPlace(1);
        AssertThrows<AutogradException>(() => max.Backward(), Modified, "MaxBackward");
    }

    [Fact]
    public void UnchangedIndicesStillGiveTheGradient()
    {
        var x = Input(2, 3);
        var index = Tensor.FromArray([0L, 2, 2, 2], [2, 2]);
        x.Gather(1, index).Sum().Backward();
        Assert.Equal(new[] { 1.0, 0, 1, 0, 0, 2 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void SavedIndicesAreReleasedAfterBackward()
    {
        var x = Input(2, 3);
        var y = x.Gather(1, Tensor.FromArray([0L, 2, 1, 1], [2, 2])).Sum();
        y.Backward();
        AssertThrows<AutogradException>(() => y.Backward(), "backward through the graph a second time", "GatherBackward");
    }
}
