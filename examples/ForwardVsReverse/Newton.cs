using MiniTorch;
using MiniTorch.Examples;

namespace ForwardVsReverse;

/// <summary>One iteration of a minimiser: the objective and the gradient norm at the iterate.</summary>
public sealed record Iterate(int Step, double Loss, double GradientNorm);

/// <summary>
/// Newton's method with <see cref="Autograd.Derivatives.Hessian(Func{Tensor, Tensor}, Tensor, bool, bool)"/> on a small convex
/// problem, L2-regularised logistic regression, beside gradient descent on the same problem.
/// </summary>
public static class Newton
{
    /// <summary>The problem: 200 points in 5 dimensions with labels ±1 from a noisy linear rule, and λ = 0.1.</summary>
    public static Func<Tensor, Tensor> LogisticLoss()
    {
        var g = new Generator(7);
        var x = Tensor.Randn([200, 5], DType.Float64, g);
        var wTrue = Tensor.FromArray(new[] { 1.5, -2.0, 0.5, 0.0, 1.0 });
        var noise = Tensor.Randn([200], DType.Float64, g) * 0.5;
        var y = (x.Matmul(wTrue) + noise).Sign();
        const double lambda = 0.1;
        // mean log(1 + exp(−y·Xw)) + λ/2·|w|²: strictly convex, so Newton converges quadratically near the optimum.
        return w => ((-(y * x.Matmul(w))).Exp() + 1).Log().Mean() + (w * w).Sum() * (lambda / 2);
    }

    /// <summary>Newton steps w ← w − H⁻¹∇f from w = 0 until |∇f| ≤ tolerance (or maxSteps).</summary>
    public static List<Iterate> Minimise(Func<Tensor, Tensor> f, int dims, double tolerance, int maxSteps)
        => Descend(f, dims, tolerance, maxSteps, (w, gradient) => w - Solve(Autograd.Derivatives.Hessian(f, w), gradient));

    /// <summary>Gradient descent with a fixed step from w = 0, for comparison.</summary>
    public static List<Iterate> GradientDescent(Func<Tensor, Tensor> f, int dims, double learningRate, double tolerance, int maxSteps)
        => Descend(f, dims, tolerance, maxSteps, (w, gradient) => w - gradient * learningRate);

    /// <summary>Applies <paramref name="step"/> from w = 0 until |∇f| ≤ tolerance (or maxSteps), recording every iterate.</summary>
    private static List<Iterate> Descend(Func<Tensor, Tensor> f, int dims, double tolerance, int maxSteps, Func<Tensor, Tensor, Tensor> step)
    {
        var w = Tensor.Zeros([dims], DType.Float64);
        var history = new List<Iterate>();
        for (int i = 0; i <= maxSteps; i++)
        {
            var (loss, gradient) = Autograd.Derivatives.Vjp(f, w);
            double norm = gradient.Pow(2).Sum().Sqrt().Item();
            history.Add(new Iterate(i, loss.Item(), norm));
            if (norm <= tolerance || i == maxSteps)
            {
                break;
            }
            w = step(w, gradient);
        }
        return history;
    }

    /// <summary>Solves H·d = g for the symmetric positive definite Hessian H.</summary>
    public static Tensor Solve(Tensor h, Tensor g)
    {
        int n = g.Numel;
        var values = h.ToDoubleArray();
        var matrix = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                matrix[i, j] = values[i * n + j];
            }
        }
        return Tensor.FromArray(Cholesky.Solve(matrix, g.ToDoubleArray(), "Newton's method needs a convex problem"));
    }
}
