using MiniTorch;
using MiniTorch.Examples;

namespace AutogradTour;

/// <summary>
/// The autograd tour's computations, each returning what it found so the test suite can assert the same
/// numbers that Program prints. Follows the d2l "Automatic Differentiation" notes, step by step.
/// </summary>
public static class SeedExamples
{
    /// <summary>y = 2·xᵀx for x = [0, 1, 2, 3]: the gradient is 4x.</summary>
    public static (Tensor X, Tensor Y, Tensor Grad) DotProductGradient()
    {
        var x = Tensor.Arange(4.0, requiresGrad: true);
        var y = 2 * Tensor.Dot(x, x);
        y.Backward();
        return (x, y, x.Grad!);
    }

    /// <summary>After zeroing, y = Σx gives a gradient of ones.</summary>
    public static Tensor SumGradient(Tensor x)
    {
        x.Grad!.ZeroInPlace();
        x.Sum().Backward();
        return x.Grad!;
    }

    /// <summary>A non-scalar y = x·x needs the vector of the vector-Jacobian product: with ones it gives 2x.</summary>
    public static Tensor NonScalarBackward(Tensor x)
    {
        x.Grad!.ZeroInPlace();
        var y = x * x;
        y.Backward(Tensor.OnesLike(y));
        return x.Grad!;
    }

    /// <summary>Detaching u = x·x makes z = u·x differentiate as if u were a constant: dz/dx = u.</summary>
    public static (Tensor U, Tensor Grad) DetachedComputation(Tensor x)
    {
        x.Grad!.ZeroInPlace();
        var u = (x * x).Detach();
        var z = u * x;
        z.Sum().Backward();
        return (u, x.Grad!);
    }

    /// <summary>The d2l control-flow function: doubles b until its norm reaches 1000, then picks a branch by sign.</summary>
    public static Tensor ControlFlow(Tensor a)
    {
        var b = a * 2;
        while (b.Norm() < 1000)
        {
            b = b * 2;
        }
        return b.Sum() > 0 ? b : 100 * b;
    }

    /// <summary>f is piecewise linear in a, so its gradient is f(a)/a.</summary>
    public static (Tensor A, Tensor D) ControlFlowGradient(int size, long seed)
    {
        var a = Tensor.Randn(size == 0 ? [] : [size], DType.Float32, new Generator(seed), requiresGrad: true);
        var d = ControlFlow(a);
        d.Sum().Backward();
        return (a, d);
    }

    /// <summary>sin(x) on a grid and its derivative from autograd (not from cos).</summary>
    public static (Tensor X, Tensor Y, Tensor DyDx) SineDerivative(int points = 100)
    {
        var x = Tensor.Linspace(-5, 5, points, DType.Float64, requiresGrad: true);
        var y = x.Sin();
        y.Sum().Backward();
        return (x, y, x.Grad!);
    }

    /// <summary>Plots sin(x) and dsin/dx computed by autograd (not by calling Cos) to <paramref name="path"/>.</summary>
    public static string PlotSine(string path)
    {
        var (x, y, dydx) = SineDerivative();
        var xs = x.Detach().ToDoubleArray();
        return Plots.SaveLines(path, "sin(x) and its derivative by autograd", "x", "value",
        [
            new Plots.Series("sin(x)", xs, y.Detach().ToDoubleArray()),
            new Plots.Series("d sin(x)/dx (autograd)", xs, dydx.ToDoubleArray()),
        ]);
    }

    /// <summary>The second derivative of x³ at 2 through createGraph: first 3x² = 12, then 6x = 12.</summary>
    public static (Tensor First, Tensor Second) CubeDerivatives()
    {
        var x = Tensor.Scalar(2.0, DType.Float64, requiresGrad: true);
        var y = x * x * x;
        var first = Autograd.Grad(y, x, createGraph: true);
        var second = Autograd.Grad(first, x);
        return (first, second);
    }

    /// <summary>The gradient of ‖Xw − y‖² by autograd next to the hand-derived 2Xᵀ(Xw − y).</summary>
    public static (Tensor Autograd, Tensor ByHand) LeastSquaresGradient(int m, int n, long seed)
    {
        var g = new Generator(seed);
        var x = Tensor.Randn([m, n], DType.Float32, g);
        var w = Tensor.Randn([n], DType.Float32, g, requiresGrad: true);
        var y = Tensor.Randn([m], DType.Float32, g);
        var residual = Tensor.Matmul(x, w) - y;
        residual.Pow(2).Sum().Backward();
        Tensor byHand;
        using (MiniTorch.Autograd.NoGrad())
        {
            byHand = 2 * Tensor.Matmul(x.T, Tensor.Matmul(x, w) - y);
        }
        return (w.Grad!, byHand);
    }
}
