using static MiniTorch.Tests.Ops.OpTestHelpers;

namespace MiniTorch.Tests.Forward;

/// <summary>Forward mode composed with reverse mode: Hessian-vector products by forward-over-reverse.</summary>
public class ForwardOverReverseTests
{
    [Fact]
    public void HessianVectorProductOfAQuadraticFormIsSymmetrisedAv()
    {
        var g = new Generator(3);
        var a = Uniform(g, [4, 4], requiresGrad: false);
        var x0 = Uniform(g, [4]);
        var v = Uniform(g, [4], requiresGrad: false);
        Tensor hv;
        using (ForwardAD.Enter())
        {
            var x = ForwardAD.MakeDual(x0, v);
            var f = Tensor.Dot(x, Tensor.Matmul(a, x)); // xᵀAx
            var grad = Autograd.Grad(f, x, createGraph: true);
            hv = ForwardAD.Unpack(grad).Tangent!;
        }
        // H = A + Aᵀ
        AssertClose(Tensor.Matmul(a + a.T, v), hv, 1e-12);
    }

    [Fact]
    public void HessianVectorProductMatchesReverseOverReverse()
    {
        var g = new Generator(5);
        var x0 = Uniform(g, [2, 3]);
        var w = Uniform(g, [3, 2], requiresGrad: false);
        var v = Uniform(g, [2, 3], requiresGrad: false);
        static Tensor F(Tensor x, Tensor w) => (Tensor.Matmul(x, w).Tanh().Softmax(-1) * x.Sin().Sum(1, keepDim: true)).Sum() + x.Norm();

        Tensor forwardOverReverse;
        using (ForwardAD.Enter())
        {
            var x = ForwardAD.MakeDual(x0, v);
            forwardOverReverse = ForwardAD.Unpack(Autograd.Grad(F(x, w), x)).Tangent!;
        }
        // Reverse over reverse: H·v = d/dx (∇f · v).
        var grad = Autograd.Grad(F(x0, w), x0, createGraph: true);
        var reverseOverReverse = Autograd.Grad((grad * v).Sum(), x0);
        AssertClose(reverseOverReverse, forwardOverReverse, 1e-10);
    }

    [Fact]
    public void BackwardAccumulatesADualGradientIntoTheLeaf()
    {
        var x0 = Tensor.FromArray([0.5, -1, 2], requiresGrad: true);
        var v = Tensor.FromArray([1.0, 2, 3]);
        using (ForwardAD.Enter())
        {
            var x = ForwardAD.MakeDual(x0, v);
            (x * x * x).Sum().Backward(); // ∇ = 3x², H = diag(6x)
            AssertClose(x0.Pow(2) * 3, x0.Grad!);
            AssertClose(x0 * 6 * v, ForwardAD.Unpack(x0.Grad!).Tangent!);
        }
    }

    [Fact]
    public void TangentsRecordABackwardGraphForReverseOverForward()
    {
        // The tangent of sin(x) along v is cos(x)·v; its gradient with respect to x is −sin(x)·v.
        var x0 = Tensor.FromArray([0.3, 1.2], requiresGrad: true);
        var v = Tensor.FromArray([2.0, -1]);
        using (ForwardAD.Enter())
        {
            var tangent = ForwardAD.Unpack(ForwardAD.MakeDual(x0, v).Sin()).Tangent!;
            Assert.True(tangent.RequiresGrad);
            var grad = Autograd.Grad(tangent.Sum(), x0);
            AssertClose(-x0.Sin() * v, grad);
        }
    }
}
