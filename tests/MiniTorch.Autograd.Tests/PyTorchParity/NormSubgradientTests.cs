using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.PyTorchParity;

/// <summary>
/// The p-norm's gradient at the zero vector is the subgradient 0 for every p, as in PyTorch
/// (<c>test_norm_subgradient</c> of test_autograd.py, extended to p = 0.5 and ∞ and to the dim/keepDim forms).
/// </summary>
public class NormSubgradientTests
{
    public static TheoryData<double> Orders => new() { 0.5, 1, 1.5, 2, 3, double.PositiveInfinity };

    [Fact]
    public void PyTorchTestNormSubgradient()
    {
        // run_test((10,), 2); run_test((10, 10), 2); run_test((10,), 3); run_test((10,), 1); run_test((10,), 1.5)
        foreach (var (shape, p) in new (int[], double)[] { ([10], 2), ([10, 10], 2), ([10], 3), ([10], 1), ([10], 1.5) })
        {
            var input = Tensor.Zeros(shape, requiresGrad: true);
            input.Norm(p).Backward();
            Assert.Equal(0.0, input.Grad!.Abs().Sum().Item());
        }
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public void GradientAtZeroIsZeroForEveryOrderAndForm(double p)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var whole = Tensor.Zeros([10], dtype, requiresGrad: true);
            whole.Norm(p).Backward();
            AssertValues(whole.Grad!, [10], new double[10]);

            // Reduced over one dim, with and without keepDim: one row is zero, the other is not.
            var m = Tensor.FromArray([0.0, 0, 0, 1, -2, 0.5], [2, 3]).To(dtype).SetRequiresGrad();
            foreach (bool keepDim in new[] { false, true })
            {
                m.Grad = null;
                m.Norm(p, [1], keepDim).Sum().Backward();
                var grad = m.Grad!.ToDoubleArray();
                Assert.All(grad, v => Assert.False(double.IsNaN(v) || double.IsInfinity(v), $"p = {p}: gradient {v}"));
                Assert.Equal([0.0, 0, 0], grad[..3]);
                // The non-zero row's gradient is sign(x)·|x|^(p−1)/‖x‖^(p−1) (for ∞: sign at the maximum).
                double[] row = [1.0, -2, 0.5];
                double norm = Math.Pow(Math.Pow(1, p) + Math.Pow(2, p) + Math.Pow(0.5, p), 1 / p);
                var expected = new double[3];
                for (int i = 0; i < 3; i++)
                {
                    expected[i] = double.IsPositiveInfinity(p) ? (i == 1 ? -1 : 0) : Math.Sign(row[i]) * Math.Pow(Math.Abs(row[i]) / norm, p - 1);
                }
                AssertClose(Tensor.FromArray(expected), Tensor.FromArray(grad[3..]), dtype == DType.Float32 ? 1e-5 : 1e-12);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public void ForwardModeTangentAtZeroIsZero(double p)
    {
        var x0 = Tensor.Zeros([2, 3], DType.Float64);
        using (ForwardAD.Enter())
        {
            var x = ForwardAD.MakeDual(x0, Tensor.Ones([2, 3], DType.Float64));
            var tangent = ForwardAD.Unpack(x.Norm(p, [1], keepDim: true)).Tangent;
            // PyTorch's norm_jvp masks the zero norm too; ∞ (Amax of Abs) and 1 (Sum of Abs) give sign(0) = 0.
            if (tangent is not null)
            {
                AssertValues(tangent, [2, 1], 0, 0);
            }
        }
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.5)]
    [InlineData(3)]
    [InlineData(4.5)]
    public void GeneralOrderPassesGradChecksAwayFromZero(double p)
    {
        var g = new Generator(42);
        var x = AwayFromZero(g, [3, 4]);
        CheckGradients(t => t[0].Norm(p), x);
        CheckGradients(t => t[0].Norm(p, [1]), x);
        CheckGradients(t => t[0].Norm(p, [0], keepDim: true), x);
        CheckGradients(t => t[0].T.Norm(p, [0]), x);
        Assert.True(GradCheck.CheckForward(t => t[0].Norm(p, [1]), [x]));
        Assert.True(GradCheck.CheckForwardReverseAgree(t => t[0].Norm(p, [0], keepDim: true), [x]));
        Assert.Equal("NormBackward", x.Norm(p).GradFn!.Name);
    }
}
