namespace MiniTorch.Tests.Engine;

public class GradOfInputItselfTests
{
    [Fact]
    public void GradientOfALeafWithRespectToItselfIsTheSeed()
    {
        // torch.autograd.grad(x, x, g) returns g; before any op used x it has no accumulator yet.
        var x = Tensor.FromArray(new[] { 1.0, 2.0 }, requiresGrad: true);
        var g = Tensor.FromArray(new[] { 3.0, -4.0 });
        Assert.Equal(new[] { 3.0, -4.0 }, Autograd.Grad(x, x, g).ToDoubleArray());
        var s = Tensor.Scalar(5.0, DType.Float64, requiresGrad: true);
        Assert.Equal(1.0, Autograd.Grad(s, s).Item());
    }

    [Fact]
    public void IdentityPassesGradGradCheck()
    {
        // The gradient of the identity is the grad output itself, so it must stay differentiable with respect to it.
        var x = Tensor.FromArray(new[] { 0.5, -1.5 }, requiresGrad: true);
        Assert.True(GradCheck.GradGradCheck(t => t[0], [x]));
    }
}
