using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Exp, Log, Sqrt, Abs, Sin, Cos, Tanh, Sigmoid and Sign.</summary>
public class UnaryMathTests
{
    /// <summary>Each op, its scalar reference formula, and whether it needs positive inputs (Log, Sqrt).</summary>
    private static readonly Dictionary<string, (Func<Tensor, Tensor> Op, Func<double, double> Reference, bool PositiveOnly)> Ops = new()
    {
        ["Exp"] = (t => t.Exp(), Math.Exp, false),
        ["Log"] = (t => t.Log(), Math.Log, true),
        ["Sqrt"] = (t => t.Sqrt(), Math.Sqrt, true),
        ["Abs"] = (t => t.Abs(), Math.Abs, false),
        ["Sin"] = (t => t.Sin(), Math.Sin, false),
        ["Cos"] = (t => t.Cos(), Math.Cos, false),
        ["Tanh"] = (t => t.Tanh(), Math.Tanh, false),
        ["Sigmoid"] = (t => t.Sigmoid(), v => 1 / (1 + Math.Exp(-v)), false),
    };

    public static TheoryData<string> OpNames() => new(Ops.Keys);

    public static TheoryData<string, DType> OpNamesAndDTypes()
    {
        var data = new TheoryData<string, DType>();
        foreach (var name in Ops.Keys)
        {
            data.Add(name, DType.Float32);
            data.Add(name, DType.Float64);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(OpNamesAndDTypes))]
    public void UnaryOp_ForwardValuesMatchTheFormula(string name, DType dtype)
    {
        var (op, reference, positiveOnly) = Ops[name];
        double[] inputs = positiveOnly ? [0.25, 1, 2.5, 4, 9, 0.01] : [-2.5, -1, -0.25, 0.5, 1, 3];
        var x = Make(dtype, [2, 3], inputs);
        var expected = Array.ConvertAll(x.ToDoubleArray(), v => reference(v));
        AssertValues(op(x), [2, 3], expected);
        Assert.Equal(dtype, op(x).DType);
        // A transposed (non-contiguous) input gives the transposed result.
        var expectedT = Array.ConvertAll(x.T.ToDoubleArray(), v => reference(v));
        AssertValues(op(x.T), [3, 2], expectedT);
    }

    // The gradient checks of each op on a vector, a matrix and a 0-d tensor are samples of its row in the op table
    // (tests/MiniTorch.OpDatabase, UnaryOps.EdgeSizes), checked by TableDriven/OpGradientTests.

    [Theory]
    [MemberData(nameof(OpNames))]
    public void UnaryOp_GradientsMatchFiniteDifferences_OnNonContiguousInputs(string name)
    {
        var (op, _, positiveOnly) = Ops[name];
        var g = new Generator(22);
        var x = positiveOnly ? Uniform(g, [2, 3, 2], 0.3, 2) : AwayFromZero(g, [2, 3, 2]);
        CheckGradients(t => op(t[0].Permute(2, 0, 1)), x);
        CheckGradients(t => op(t[0].Narrow(1, 1, 2).Transpose(0, 2)), x);
        CheckGradients(t => op(t[0].Select(2, 1).Unsqueeze(0).Expand(2, 2, 3)), x);
        var leaf = TransposedLeaf(g, 3, 2, positiveOnly ? 0.3 : -1.5, 2);
        CheckGradients(t => op(t[0]), leaf);
        CheckGradients(t => op(t[0]), SlicedLeaf(g, 2, 3, positiveOnly ? 0.3 : 0.2, 2));
    }

    [Fact]
    public void UnaryOps_ComposedTwice_HaveCorrectSecondDerivatives()
    {
        var g = new Generator(23);
        var x = Uniform(g, [4], -1, 1);
        CheckGradients(t => t[0].Sin().Exp().Tanh(), x);
        CheckGradients(t => t[0].Sigmoid().Log().Cos(), x);
        CheckGradients(t => (t[0] * t[0] + 0.5).Sqrt().Abs(), x);
    }

    [Fact]
    public void Abs_GradientAtZeroIsZero_MatchesPyTorch()
    {
        var x = Tensor.FromArray([-2.0, 0, 3], [3], requiresGrad: true);
        AssertValues(GradOf(t => t.Abs(), x), [3], -1, 0, 1);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Sign_ForwardValues_NaNStaysNaN(DType dtype)
    {
        var x = Make(dtype, [5], -3.5, 0, 2, double.NaN, -0.0);
        AssertValues(x.Sign(), [5], -1, 0, 1, double.NaN, 0);
    }

    [Fact]
    public void Sign_GradientIsZero_MatchesPyTorch()
    {
        var x = Tensor.FromArray([-2.0, 0.5, 3], [3], requiresGrad: true);
        var y = x.Sign();
        Assert.Equal("SignBackward", y.GradFn!.Name);
        AssertValues(GradOf(t => t.Sign(), x), [3], 0, 0, 0);
    }

    [Fact]
    public void LogAndSqrt_OutsideTheirDomain_GiveNaNAndInfinity_AsPyTorch()
    {
        var x = Tensor.FromArray([-1.0, 0, 4], [3]);
        AssertValues(x.Log(), [3], double.NaN, double.NegativeInfinity, Math.Log(4));
        AssertValues(x.Sqrt(), [3], double.NaN, 0, 2);
    }

    [Fact]
    public void Sqrt_GradientAtZeroIsInfinity_AsPyTorch()
    {
        var x = Tensor.FromArray([0.0, 4], [2], requiresGrad: true);
        AssertValues(GradOf(t => t.Sqrt(), x), [2], double.PositiveInfinity, 0.25);
    }

    [Fact]
    public void Sigmoid_IsStableForLargeMagnitudes()
    {
        var x = Tensor.FromArray([-800.0, 800], [2]);
        AssertValues(x.Sigmoid(), [2], 0, 1);
        AssertValues(x.Tanh(), [2], -1, 1);
    }

    [Fact]
    public void UnaryOps_GradFnNamesFollowPyTorch()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        Assert.Equal("ExpBackward", x.Exp().GradFn!.Name);
        Assert.Equal("LogBackward", x.Log().GradFn!.Name);
        Assert.Equal("SqrtBackward", x.Sqrt().GradFn!.Name);
        Assert.Equal("AbsBackward", x.Abs().GradFn!.Name);
        Assert.Equal("SinBackward", x.Sin().GradFn!.Name);
        Assert.Equal("CosBackward", x.Cos().GradFn!.Name);
        Assert.Equal("TanhBackward", x.Tanh().GradFn!.Name);
        Assert.Equal("SigmoidBackward", x.Sigmoid().GradFn!.Name);
    }
}
