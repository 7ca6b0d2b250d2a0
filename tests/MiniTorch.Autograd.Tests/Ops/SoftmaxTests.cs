using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Softmax, LogSoftmax and LogSumExp.</summary>
public class SoftmaxTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Softmax_ForwardValuesMatchTheFormula(DType dtype)
    {
        // Rows [1, 2, 3] and [0, 0, ln 2].
        var x = Make(dtype, [2, 3], 1, 2, 3, 0, 0, Math.Log(2));
        double z = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        AssertValues(x.Softmax(1), [2, 3], Math.Exp(1) / z, Math.Exp(2) / z, Math.Exp(3) / z, 0.25, 0.25, 0.5);
        AssertValues(x.Softmax(-1), [2, 3], Math.Exp(1) / z, Math.Exp(2) / z, Math.Exp(3) / z, 0.25, 0.25, 0.5);
        AssertValues(x.LogSoftmax(1), [2, 3], 1 - Math.Log(z), 2 - Math.Log(z), 3 - Math.Log(z), Math.Log(0.25), Math.Log(0.25), Math.Log(0.5));
        AssertValues(x.LogSumExp(1), [2], Math.Log(z), Math.Log(4));
        AssertValues(x.LogSumExp([1], keepDim: true), [2, 1], Math.Log(z), Math.Log(4));
        // Along dim 0 each column has two entries: softmax(a, b) = (σ(a − b), σ(b − a)).
        double s = 1 / (1 + Math.Exp(-1));
        AssertValues(x.Softmax(0).Narrow(1, 0, 1), [2, 1], s, 1 - s);
        // Non-contiguous: softmax of x.T along 0 is softmax of x along 1, transposed.
        AssertValues(x.T.Softmax(0).T, [2, 3], Math.Exp(1) / z, Math.Exp(2) / z, Math.Exp(3) / z, 0.25, 0.25, 0.5);
    }

    [Fact]
    public void Softmax_IsStableForLargeInputs()
    {
        var x = Tensor.FromArray([1000.0, 1001, 1002, -1000, -1001, -1002], [2, 3]);
        double z = 1 + Math.Exp(1) + Math.Exp(2);
        AssertValues(x.Softmax(1), [2, 3], 1 / z, Math.E / z, Math.Exp(2) / z, Math.Exp(2) / z, Math.E / z, 1 / z);
        // log Σ exp relative to the row maximum: ln(1 + e⁻¹ + e⁻²).
        double l = Math.Log(1 + Math.Exp(-1) + Math.Exp(-2));
        AssertValues(x.LogSoftmax(1), [2, 3], -2 - l, -1 - l, -l, -l, -1 - l, -2 - l);
        AssertValues(x.LogSumExp(1), [2], 1002 + l, -1000 + l);
        var f32 = x.To(DType.Float32);
        Assert.All(f32.Softmax(1).ToDoubleArray(), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void LogSumExp_InfiniteInputs_MatchPyTorch()
    {
        double inf = double.PositiveInfinity;
        var x = Tensor.FromArray([-inf, -inf, 0, -inf, 1, inf], [3, 2]);
        // All −inf gives −inf (no NaN from −inf − (−inf)); a −inf entry contributes nothing; +inf gives +inf.
        AssertValues(x.LogSumExp(1), [3], -inf, 0, inf);
    }

    [Fact]
    public void Softmax_RowsSumToOne_AndLogSoftmaxIsItsLog()
    {
        var g = new Generator(101);
        var x = Uniform(g, [3, 4, 2], -3, 3, requiresGrad: false);
        foreach (int dim in new[] { 0, 1, 2, -1 })
        {
            var p = x.Softmax(dim);
            AssertClose(Tensor.OnesLike(p.Sum(dim)), p.Sum(dim), 1e-12);
            AssertClose(p.Log(), x.LogSoftmax(dim), 1e-12);
            AssertClose(x.Exp().Sum(dim).Log(), x.LogSumExp(dim), 1e-12);
        }
        AssertClose(x.Exp().Sum([0, 2]).Log(), x.LogSumExp([0, 2]), 1e-12);
    }

    [Fact]
    public void Softmax_OfAScalarTensor_IsOne()
    {
        var s = Tensor.Scalar(5.0, DType.Float64);
        AssertValues(s.Softmax(0), [], 1);
        AssertValues(s.LogSoftmax(-1), [], 0);
        AssertValues(s.LogSumExp(0), [], 5);
    }

    [Fact]
    public void SoftmaxFamily_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(102);
        var x = Uniform(g, [2, 3, 2], -2, 2);
        foreach (int dim in new[] { 0, 1, -1 })
        {
            CheckGradients(t => t[0].Softmax(dim), x);
            CheckGradients(t => t[0].LogSoftmax(dim), x);
            CheckGradients(t => t[0].LogSumExp(dim), x);
        }
        CheckGradients(t => t[0].LogSumExp([0, 2], keepDim: true), x);
        CheckGradients(t => t[0].LogSumExp([0, 1, 2]), x);
        CheckGradients(t => t[0].Softmax(0), Uniform(g, []));
        CheckGradients(t => t[0].LogSoftmax(0), Uniform(g, [4]));
    }

    [Fact]
    public void SoftmaxFamily_GradientsMatchFiniteDifferences_OnNonContiguousInputs()
    {
        var g = new Generator(103);
        var x = Uniform(g, [3, 4], -2, 2);
        CheckGradients(t => t[0].T.Softmax(1), x);
        CheckGradients(t => t[0].Narrow(1, 1, 3).LogSoftmax(0), x);
        CheckGradients(t => t[0].Select(0, 2).Expand(2, 4).LogSumExp(1), x);
        CheckGradients(t => t[0].Unsqueeze(0).Permute(2, 0, 1).Softmax(0), x);
        var leaf = TransposedLeaf(g, 4, 3, -2, 2);
        CheckGradients(t => t[0].Softmax(1) * t[0].LogSoftmax(0), leaf);
        CheckGradients(t => t[0].LogSumExp(0) + t[0].Softmax(0).Sum(1).Narrow(0, 0, 1), SlicedLeaf(g, 3, 3, -2, 2));
    }

    [Fact]
    public void SoftmaxFamily_GradFnNamesFollowPyTorch()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        Assert.Equal("SoftmaxBackward", x.Softmax(0).GradFn!.Name);
        Assert.Equal("LogSoftmaxBackward", x.LogSoftmax(0).GradFn!.Name);
        Assert.Equal("LogsumexpBackward", x.LogSumExp(0).GradFn!.Name);
    }

    [Fact]
    public void SoftmaxFamily_DimOutOfRange_Throws()
    {
        var x = Tensor.Ones(2, 3);
        AssertThrows<ArgumentOutOfRangeException>(() => x.Softmax(2), "Softmax:", "dimension out of range", "[-2, 1]", "got 2");
        AssertThrows<ArgumentOutOfRangeException>(() => x.LogSoftmax(-3), "LogSoftmax:", "dimension out of range", "got -3");
        AssertThrows<ArgumentOutOfRangeException>(() => x.LogSumExp(5), "LogSumExp:", "dimension out of range", "got 5");
        AssertThrows<ArgumentException>(() => x.LogSumExp([0, -2]), "LogSumExp:", "dim 0 appears multiple times");
    }
}
