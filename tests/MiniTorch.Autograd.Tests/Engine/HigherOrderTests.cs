namespace MiniTorch.Tests.Engine;

public class HigherOrderTests
{
    /// <summary>A tanh MLP's loss: Hessian-vector product by double backward vs finite differences of the gradient.</summary>
    [Fact]
    public void HessianVectorProductOfSmallMlpMatchesFiniteDifferences()
    {
        var g = new Generator(21);
        var x = Tensor.Randn([5, 3], DType.Float64, g);
        var target = Tensor.Randn([5, 1], DType.Float64, g);
        var w1 = Tensor.Randn([3, 4], DType.Float64, g, requiresGrad: true);
        var w2 = Tensor.Randn([4, 1], DType.Float64, g, requiresGrad: true);
        var v1 = Tensor.Randn([3, 4], DType.Float64, g);
        var v2 = Tensor.Randn([4, 1], DType.Float64, g);
        Tensor Loss(Tensor a, Tensor b) => (Tensor.Matmul(Tensor.Matmul(x, a).Tanh(), b) - target).Pow(2).Mean();

        var grads = Autograd.Grad([Loss(w1, w2)], [w1, w2], createGraph: true);
        var gv = (grads[0]! * v1).Sum() + (grads[1]! * v2).Sum();
        var hv = Autograd.Grad([gv], [w1, w2]);

        const double eps = 1e-6;
        Tensor[] GradAt(double step)
        {
            var a = (w1.Detach() + v1 * step).SetRequiresGrad();
            var b = (w2.Detach() + v2 * step).SetRequiresGrad();
            return Autograd.Grad([Loss(a, b)], [a, b])!;
        }
        var plus = GradAt(eps);
        var minus = GradAt(-eps);
        for (int i = 0; i < 2; i++)
        {
            var numeric = (plus[i]! - minus[i]!) / (2 * eps);
            Assert.True(hv[i]!.AllClose(numeric, rtol: 1e-5, atol: 1e-7), $"parameter {i}: {hv[i]} vs {numeric}");
        }
    }

    [Fact]
    public void ThirdDerivativeOfSineIsMinusCosine()
    {
        var x = Tensor.FromArray(new[] { 0.3, 1.1, -2.0 }, requiresGrad: true);
        var d1 = Autograd.Grad(x.Sin().Sum(), x, createGraph: true);
        var d2 = Autograd.Grad(d1.Sum(), x, createGraph: true);
        var d3 = Autograd.Grad(d2.Sum(), x);
        Assert.True(d3.AllClose(-x.Detach().Cos(), rtol: 1e-12));
    }

    [Fact]
    public void BackwardWithCreateGraphMakesGradDifferentiable()
    {
        var x = Tensor.Scalar(3.0, DType.Float64, requiresGrad: true);
        (x * x * x).Backward(createGraph: true);
        var grad = x.Grad!;
        Assert.True(grad.RequiresGrad);
        Assert.Equal(27.0, grad.Item());
        var second = Autograd.Grad(grad, x);
        Assert.Equal(18.0, second.Item());
    }

    [Fact]
    public void BackwardWithoutCreateGraphRecordsNoGraph()
    {
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        (x * x).Sum().Backward();
        Assert.False(x.Grad!.RequiresGrad);
        Assert.Null(x.Grad.GradFn);
    }
}
