using static MiniTorch.Autograd.Derivatives;

namespace MiniTorch.Tests.Derivatives;

/// <summary>
/// <see cref="Autograd.Derivatives"/> against closed forms (PyTorch's <c>torch.autograd.functional</c> returns the same
/// shapes: Jacobian output.Shape ++ input.Shape, Hessian input.Shape ++ input.Shape), and the transforms against
/// each other (forward vs reverse Jacobian, Hvp vs Hessian·v, Vjp vs vᵀJ, Jvp vs J·v).
/// </summary>
public class DerivativesTests
{
    private const double Tol = 1e-12;

    private static Tensor Rand(int[] shape, int seed) => Tensor.Randn(shape, DType.Float64, generator: new Generator(seed));

    private static void AssertClose(Tensor expected, Tensor actual, double tol = Tol)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - a[i]) <= tol * (1 + Math.Abs(e[i])), $"element {i}: expected {e[i]:R}, got {a[i]:R}");
        }
    }

    [Theory]
    [InlineData(JacobianMode.Reverse)]
    [InlineData(JacobianMode.Forward)]
    public void JacobianOfSoftmaxIsDiagSMinusSSt(JacobianMode mode)
    {
        var x = Rand([5], 1);
        var s = x.Softmax(0);
        var expected = Tensor.Eye(5, dtype: DType.Float64) * s - s.View(5, 1) * s.View(1, 5);
        AssertClose(expected, Jacobian(t => t.Softmax(0), x, mode));
    }

    [Theory]
    [InlineData(JacobianMode.Reverse)]
    [InlineData(JacobianMode.Forward)]
    public void JacobianOfALinearMapIsItsMatrixWithOutputThenInputShape(JacobianMode mode)
    {
        var a = Rand([3, 4], 2);
        var x = Rand([4], 3);
        var j = Jacobian(t => a.Matmul(t), x, mode);
        Assert.Equal(new[] { 3, 4 }, j.Shape);
        AssertClose(a, j);
        // A matrix input: d(x·B)/dx for x [2,3] is shaped [2,4,2,3].
        var b = Rand([3, 4], 4);
        var xm = Rand([2, 3], 5);
        var jm = Jacobian(t => t.Matmul(b), xm, mode);
        Assert.Equal(new[] { 2, 4, 2, 3 }, jm.Shape);
        Assert.Equal(b.GetValue(1, 2), jm.GetValue(0, 2, 0, 1), 15);
        Assert.Equal(0.0, jm.GetValue(1, 2, 0, 1));
    }

    [Fact]
    public void ForwardAndReverseJacobiansAgreeOnABroadcastingFunctionOfSeveralInputs()
    {
        var w = Rand([3, 4], 6);
        var x = Rand([4], 7);
        var b = Rand([1], 8);
        Tensor F(Tensor[] t) => (t[0].Matmul(t[1]) + t[2]).Tanh() * t[1].Sum();
        var reverse = Jacobian(F, [w, x, b], JacobianMode.Reverse);
        var forward = Jacobian(F, [w, x, b], JacobianMode.Forward);
        Assert.Equal(new[] { 3, 3, 4 }, reverse[0].Shape);
        Assert.Equal(new[] { 3, 4 }, reverse[1].Shape);
        Assert.Equal(new[] { 3, 1 }, reverse[2].Shape);
        for (int i = 0; i < 3; i++)
        {
            AssertClose(reverse[i], forward[i], 1e-12);
        }
    }

    [Fact]
    public void HessianOfQuadraticFormIsAPlusATransposed()
    {
        var a = Rand([4, 4], 9);
        var x = Rand([4], 10);
        var h = Hessian(t => t.Dot(a.Matmul(t)), x);
        AssertClose(a + a.T, h);
    }

    [Fact]
    public void HessianOfSeveralInputsHasCrossBlocks()
    {
        // f(x, y) = Σ xᵢ yᵢ + Σ xᵢ³: ∂²f/∂x² = diag(6x), ∂²f/∂x∂y = I, ∂²f/∂y² = 0.
        var x = Rand([3], 11);
        var y = Rand([3], 12);
        var h = Hessian(t => (t[0] * t[1]).Sum() + t[0].Pow(3).Sum(), [x, y]);
        AssertClose(Tensor.Eye(3, dtype: DType.Float64) * (x * 6), h[0, 0]);
        AssertClose(Tensor.Eye(3, dtype: DType.Float64), h[0, 1]);
        AssertClose(Tensor.Eye(3, dtype: DType.Float64), h[1, 0]);
        AssertClose(Tensor.Zeros([3, 3], DType.Float64), h[1, 1]);
    }

    [Fact]
    public void HvpByForwardOverReverseEqualsHessianTimesV()
    {
        var x = Rand([6], 13);
        var v = Rand([6], 14);
        Tensor F(Tensor t) => (t.Tanh().Pow(2) * t.Exp()).Sum() + t.Softmax(0).Max();
        var (output, hvp) = Hvp(F, x, v);
        var h = Hessian(F, x);
        AssertClose(h.Matmul(v), hvp, 1e-12);
        AssertClose(F(x), output);
        Assert.False(hvp.RequiresGrad);
    }

    [Fact]
    public void VjpAndJvpMatchTheJacobian()
    {
        var x = Rand([2, 3], 15);
        Tensor F(Tensor t) => (t.Sin() * t.Sum(0, keepDim: true)).Sum(1);
        var j = Jacobian(F, x).View(2, 6);
        var u = Rand([2], 16);
        var v = Rand([2, 3], 17);
        var (y1, vjp) = Vjp(F, x, u);
        var (y2, jvp) = Jvp(F, x, v);
        AssertClose(u.Matmul(j).View(2, 3), vjp);
        AssertClose(j.Matmul(v.View(6)), jvp);
        AssertClose(F(x), y1);
        AssertClose(F(x), y2);
    }

    [Fact]
    public void CallerTensorsAreNotTouchedAndResultsCarryNoGraph()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        var j = Jacobian(t => t * t, x);
        Assert.Null(x.Grad);
        Assert.False(j.RequiresGrad);
        AssertClose(Tensor.FromArray(new[] { 2.0, 0.0, 0.0, 4.0 }, [2, 2]), j);
    }

    [Fact]
    public void CreateGraphLetsTheJacobianBeDifferentiatedAgain()
    {
        // J of x³ is diag(3x²); d/dx Σ J = 6x.
        var x = Tensor.FromArray(new[] { 1.0, -2.0 }, requiresGrad: true);
        var j = Jacobian(t => t.Pow(3), x, createGraph: true);
        Assert.True(j.RequiresGrad);
        j.Sum().Backward();
        AssertClose(Tensor.FromArray(new[] { 6.0, -12.0 }), x.Grad!);
    }

    [Fact]
    public void AnOutputIndependentOfTheInputHasAZeroJacobianAsInPyTorchNonStrict()
    {
        var x = Rand([3], 18);
        var c = Rand([2], 19);
        AssertClose(Tensor.Zeros([2, 3], DType.Float64), Jacobian(_ => c * 2, x));
        AssertClose(Tensor.Zeros([2, 3], DType.Float64), Jacobian(_ => c * 2, x, JacobianMode.Forward));
    }

    [Fact]
    public void AFunctionReturningNullIsAClearError()
    {
        var x = Rand([3], 20);
        var e = Assert.Throws<ArgumentException>(() => Jacobian(_ => null!, x));
        Assert.Contains("Jacobian: the function returned null; it must return a Tensor", e.Message);
        Assert.Throws<ArgumentException>(() => Jacobian(_ => null!, x, JacobianMode.Forward));
    }

    [Fact]
    public void BadShapesAreClearErrors()
    {
        var x = Rand([3], 21);
        var hessian = Assert.Throws<ArgumentException>(() => Hessian(t => t * 2, x));
        Assert.Contains("Hessian: the function must return a single-element tensor, but it returned shape [3]", hessian.Message);
        var vjp = Assert.Throws<ArgumentException>(() => Vjp(t => t * 2, x));
        Assert.Contains("Vjp: the function's output has shape [3]; pass v of that shape", vjp.Message);
        var jvp = Assert.Throws<ArgumentException>(() => Jvp(t => t * 2, x, Rand([4], 22)));
        Assert.Contains("Jvp: v[0] is Float64 [4] but input 0 is Float64 [3]", jvp.Message);
        var dtype = Assert.Throws<ArgumentException>(() => Hvp(t => t.Sum(), x, Tensor.Ones([3])));
        Assert.Contains("Float32", dtype.Message);
    }
}
