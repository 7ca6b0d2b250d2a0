using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Ops;

/// <summary>Var, Std and Norm.</summary>
public class StatisticsTests
{
    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Var_DefaultCorrectionIsOne_MatchesPyTorch(DType dtype)
    {
        // mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5; unbiased 5 / 3, population 5 / 4.
        var x = Make(dtype, [4], 1, 2, 3, 4);
        AssertValues(x.Var(), [], 5 / 3.0);
        AssertValues(x.Var(correction: 0), [], 1.25);
        AssertValues(x.Std(), [], Math.Sqrt(5 / 3.0));
        AssertValues(x.Std(correction: 0), [], Math.Sqrt(1.25));
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void VarStd_AlongDims(DType dtype)
    {
        // [[1, 2], [3, 5]]: columns {1, 3} and {2, 5}, rows {1, 2} and {3, 5}.
        var x = Make(dtype, [2, 2], 1, 2, 3, 5);
        AssertValues(x.Var(0), [2], 2, 4.5);
        AssertValues(x.Var(1, keepDim: true), [2, 1], 0.5, 2);
        AssertValues(x.Var([0], correction: 0), [2], 1, 2.25);
        AssertValues(x.Std(1), [2], Math.Sqrt(0.5), Math.Sqrt(2));
        AssertValues(x.Var([0, 1]), [], x.Var().Item());
        // Non-contiguous: the rows of x.T are the columns of x.
        AssertValues(x.T.Var(1), [2], 2, 4.5);
    }

    [Fact]
    public void Var_OfOneElementWithCorrectionOne_IsNaN_AsPyTorch()
    {
        AssertValues(Tensor.FromArray([3.0], [1]).Var(), [], double.NaN);
        AssertValues(Tensor.FromArray([3.0], [1]).Var(correction: 0), [], 0);
    }

    [Theory]
    [MemberData(nameof(BothDTypes), MemberType = typeof(OpTestHelpers))]
    public void Norm_ForwardValues(DType dtype)
    {
        var v = Make(dtype, [2], 3, -4);
        AssertValues(v.Norm(), [], 5);
        AssertValues(v.Norm(1), [], 7);
        AssertValues(v.Norm(double.PositiveInfinity), [], 4);
        AssertValues(v.Norm(3), [], Math.Cbrt(27 + 64));
        // [[3, -4], [0, 1]]
        var m = Make(dtype, [2, 2], 3, -4, 0, 1);
        AssertValues(m.Norm(2, [1]), [2], 5, 1);
        AssertValues(m.Norm(1, [0], keepDim: true), [1, 2], 3, 5);
        AssertValues(m.Norm(double.PositiveInfinity, [0]), [2], 3, 4);
        AssertValues(m.Norm(double.PositiveInfinity, [0, 1]), [], 4);
        AssertValues(m.Norm(2, [0, 1], keepDim: true), [1, 1], Math.Sqrt(26));
        AssertValues(m.T.Norm(2, [0]), [2], 5, 1);
    }

    [Fact]
    public void VarStd_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(81);
        var x = Uniform(g, [3, 4]);
        CheckGradients(t => t[0].Var(), x);
        CheckGradients(t => t[0].Var(1), x);
        CheckGradients(t => t[0].Var([0], correction: 0, keepDim: true), x);
        CheckGradients(t => t[0].Std(), x);
        CheckGradients(t => t[0].Std(0), x);
        CheckGradients(t => t[0].Std([1], correction: 0, keepDim: true), x);
        CheckGradients(t => t[0].T.Var(1), x);
        CheckGradients(t => t[0].Narrow(1, 1, 3).Std(1), x);
        CheckGradients(t => t[0].Std(0), TransposedLeaf(g, 3, 2));
    }

    [Fact]
    public void Norm_GradientsMatchFiniteDifferences()
    {
        var g = new Generator(82);
        // Away from zero for the 1-norm's kink; distinct magnitudes for the ∞-norm's single winner.
        var x = Distinct(g, [3, 4]);
        var safe = AwayFromZero(g, [3, 4], 0.2, 1.5);
        CheckGradients(t => t[0].Norm(), x);
        CheckGradients(t => t[0].Norm(2, [1]), x);
        CheckGradients(t => t[0].Norm(2, [0], keepDim: true), x);
        CheckGradients(t => t[0].Norm(1, [1]), safe);
        CheckGradients(t => t[0].Norm(3), safe);
        CheckGradients(t => t[0].Norm(1.5, [0]), safe);
        CheckGradients(t => (t[0] + 2).Norm(double.PositiveInfinity), x);
        CheckGradients(t => (t[0] + 2).Norm(double.PositiveInfinity, [1]), x);
        CheckGradients(t => t[0].T.Norm(2, [0]), x);
        CheckGradients(t => t[0].Norm(), TransposedLeaf(g, 2, 3));
    }

    [Fact]
    public void Norm_GradientAtTheZeroVectorIsZero_MatchesPyTorch()
    {
        var zero = Tensor.Zeros([3], DType.Float64, requiresGrad: true);
        AssertValues(GradOf(t => t.Norm(), zero), [3], 0, 0, 0);
        var rows = Tensor.FromArray([0.0, 0, 3, 4], [2, 2], requiresGrad: true);
        AssertValues(GradOf(t => t.Norm(2, [1]), rows), [2, 2], 0, 0, 0.6, 0.8);
        // Second derivatives stay finite there too.
        var grad = Autograd.Grad(zero.Norm(), zero, createGraph: true);
        AssertValues(Autograd.Grad(grad.Sum(), zero), [3], 0, 0, 0);
    }

    [Fact]
    public void NormInfinity_DistributesTheGradientEvenlyAmongTies_MatchesPyTorch()
    {
        // PyTorch's norm_backward for p = ∞: sign(x) · grad · (|x| == norm) / (number of ties), per reduced slice.
        var x = Tensor.FromArray([3.0, -3, 1, 2], [2, 2], requiresGrad: true);
        AssertValues(GradOf(t => t.Norm(double.PositiveInfinity), x), [2, 2], 0.5, -0.5, 0, 0);
        AssertValues(GradOf(t => t.Norm(double.PositiveInfinity, [1]), x), [2, 2], 0.5, -0.5, 0, 1);
        AssertValues(GradOf(t => t.Norm(double.PositiveInfinity, [0, 1]), x), [2, 2], 0.5, -0.5, 0, 0);
    }

    [Fact]
    public void Norm_NonPositiveP_Throws()
    {
        var x = Tensor.Ones(3);
        AssertThrows<ArgumentException>(() => x.Norm(0), "Norm:", "p must be positive", "got 0");
        AssertThrows<ArgumentException>(() => x.Norm(-1), "Norm:", "got -1");
        AssertThrows<ArgumentException>(() => x.Norm(double.NaN), "Norm:", "NaN");
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    [InlineData(double.PositiveInfinity)]
    public void Norm_BadOrRepeatedDims_ThrowNamingNorm(double p)
    {
        var x = Tensor.Ones(2, 3);
        AssertThrows<ArgumentOutOfRangeException>(() => x.Norm(p, [2]), "Norm:", "dimension out of range", "got 2");
        AssertThrows<ArgumentException>(() => x.Norm(p, [1, -1]), "Norm:", "dim 1 appears multiple times");
    }

    [Fact]
    public void VarStd_BadOrRepeatedDims_ThrowNamingTheOp()
    {
        var x = Tensor.Ones(2, 3);
        AssertThrows<ArgumentOutOfRangeException>(() => x.Var(2), "Var:", "dimension out of range", "got 2");
        AssertThrows<ArgumentException>(() => x.Var([0, 0]), "Var:", "dim 0 appears multiple times");
        AssertThrows<ArgumentOutOfRangeException>(() => x.Std(-3), "Std:", "dimension out of range", "got -3");
        AssertThrows<ArgumentException>(() => x.Std([1, 1]), "Std:", "dim 1 appears multiple times");
    }
}
