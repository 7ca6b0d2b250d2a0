using MiniTorch;
using MiniTorch.Plugins;
using Xunit;

namespace MyOps.Tests;

public class OpsPluginTests
{
    // MiniTorch's torch.library.opcheck: for every sample of every op, forward, no-grad, gradient shapes, float64
    // GradCheck and GradGradCheck against finite differences, and float32. A host runs the same checks when loading.
    [Fact]
    public void EveryOpPassesValidation() =>
        PluginValidator.Validate(new OpsPlugin()).ThrowIfFailed();

    [Fact]
    public void SquareplusMatchesItsFormula()
    {
        double[] x = [-50, -2, -0.5, 0, 0.5, 2, 50];
        var y = SquareplusOp.Definition.Apply(Tensor.FromArray(x)).ToDoubleArray();
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal((x[i] + Math.Sqrt(x[i] * x[i] + 4)) / 2, y[i], 12);
        }
        Assert.Equal(1, y[3], 12);                      // √b / 2 at 0, with the default b = 4
        Assert.InRange(y[0], 0, 0.02);                  // → 0 far left, like ReLU
        Assert.InRange(y[^1] - x[^1], 0, 0.02);         // → x far right
    }

    [Fact]
    public void AttributeBChangesTheCurveAndItsGradient()
    {
        var x = Tensor.FromArray(new double[] { 0, 3 }, requiresGrad: true);
        var y = SquareplusOp.Definition.Apply([x], new Dictionary<string, double> { ["b"] = 16 });
        var values = y.ToDoubleArray();
        Assert.Equal(2, values[0], 12);                 // (0 + 4) / 2
        Assert.Equal(4, values[1], 12);                 // (3 + 5) / 2
        y.Sum().Backward();
        var gradient = x.Grad!.ToDoubleArray();
        Assert.Equal(0.5, gradient[0], 12);             // (1 + x / √(x² + 16)) / 2
        Assert.Equal(0.8, gradient[1], 12);
    }

    [Fact]
    public void NonPositiveBIsRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SquareplusOp.Definition.Apply([Tensor.FromArray(new double[] { 1 })], new Dictionary<string, double> { ["b"] = 0 }));
        Assert.Contains("squareplus", e.Message);
    }
}
