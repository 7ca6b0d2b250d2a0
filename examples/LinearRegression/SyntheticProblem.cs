using MiniTorch;

namespace LinearRegression;

/// <summary>The size, noise level and seed of the synthetic regression problem.</summary>
public sealed record SyntheticSettings(int Samples, int Features, double NoiseStd, long Seed);

/// <summary>
/// The gradient of ‖Xw − y‖² at one w by autograd and by the hand-derived formula 2Xᵀ(Xw − y), both in float32, and
/// the formula again in float64 (<see cref="Exact"/>) as the reference that shows how far float32 rounding goes.
/// </summary>
public sealed record GradientComparison(Tensor At, Tensor Autograd, Tensor ByHand, double[] Exact)
{
    /// <summary>max |autograd − by hand| over the components.</summary>
    public double MaxAbsDifference => MaxAbsDiff(Autograd.ToDoubleArray(), ByHand.ToDoubleArray());

    /// <summary>max |autograd − float64 formula| over the components: float32 rounding, nothing else.</summary>
    public double MaxAbsErrorOfAutograd => MaxAbsDiff(Autograd.ToDoubleArray(), Exact);

    /// <summary>max |gradient|: the scale against which <see cref="MaxAbsDifference"/> is read.</summary>
    public double MaxAbsGradient => Exact.Max(Math.Abs);

    private static double MaxAbsDiff(double[] a, double[] b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }
        return max;
    }
}

/// <summary>
/// A synthetic linear regression: X (samples × features) standard normal, y = X·w* + ε with ε ~ N(0, σ²),
/// everything drawn from one seeded generator so that every run sees the same data. Tensors are float32, the
/// dtype the models train in; <see cref="FeaturesAsDoubles"/> and <see cref="TargetsAsDoubles"/> feed the exact
/// float64 least-squares solve.
/// </summary>
public sealed class SyntheticProblem
{
    private SyntheticProblem(Tensor features, Tensor targets, Tensor trueWeights)
    {
        Features = features;
        Targets = targets;
        TrueWeights = trueWeights;
    }

    /// <summary>X, shape [samples, features].</summary>
    public Tensor Features { get; }

    /// <summary>y, shape [samples].</summary>
    public Tensor Targets { get; }

    /// <summary>w*, the weights the data was made with, shape [features].</summary>
    public Tensor TrueWeights { get; }

    /// <summary>Draws X, w* and the noise from <c>new Generator(settings.Seed)</c>.</summary>
    public static SyntheticProblem Create(SyntheticSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Samples, 1, nameof(settings.Samples));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Features, 1, nameof(settings.Features));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.NoiseStd, nameof(settings.NoiseStd));
        var generator = new Generator(settings.Seed);
        var x = Tensor.Randn([settings.Samples, settings.Features], DType.Float32, generator);
        var w = Tensor.Randn([settings.Features], DType.Float32, generator);
        var noise = Tensor.Randn([settings.Samples], DType.Float32, generator) * settings.NoiseStd;
        var y = Tensor.Matmul(x, w) + noise;
        return new SyntheticProblem(x, y, w);
    }

    /// <summary>X as a float64 matrix.</summary>
    public double[,] FeaturesAsDoubles() => Features.ToDoubleMatrix();

    /// <summary>y as float64 values.</summary>
    public double[] TargetsAsDoubles() => Targets.ToDoubleArray();

    /// <summary>The exact least-squares fit with an intercept, in float64.</summary>
    public AffineFit LeastSquares() => NormalEquations.Solve(FeaturesAsDoubles(), TargetsAsDoubles());

    /// <summary>
    /// The gradient of ‖Xw − y‖² at a w drawn from <paramref name="seed"/>: autograd's (Backward through Matmul,
    /// Sub, Pow and Sum) next to 2Xᵀ(Xw − y) computed directly.
    /// </summary>
    /// <remarks>The float64 reference takes the same float32 X, y and w, so it differs only by rounding.</remarks>
    public GradientComparison CompareGradients(long seed)
    {
        var w = Tensor.Randn([Features.Size(1)], DType.Float32, new Generator(seed), requiresGrad: true);
        var loss = (Tensor.Matmul(Features, w) - Targets).Pow(2).Sum();
        loss.Backward();
        Tensor byHand;
        using (MiniTorch.Autograd.NoGrad())
        {
            byHand = 2 * Tensor.Matmul(Features.T, Tensor.Matmul(Features, w) - Targets);
        }
        return new GradientComparison(w.Detach(), w.Grad!, byHand, ExactGradient(w.Detach().ToDoubleArray()));
    }

    /// <summary>2Xᵀ(Xw − y) in float64 loops.</summary>
    private double[] ExactGradient(double[] w)
    {
        var x = FeaturesAsDoubles();
        var y = TargetsAsDoubles();
        var gradient = new double[w.Length];
        for (int i = 0; i < y.Length; i++)
        {
            double residual = -y[i];
            for (int j = 0; j < w.Length; j++)
            {
                residual += x[i, j] * w[j];
            }
            for (int j = 0; j < w.Length; j++)
            {
                gradient[j] += 2 * x[i, j] * residual;
            }
        }
        return gradient;
    }
}
