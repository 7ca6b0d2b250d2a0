using LinearRegression;

namespace MiniTorch.Examples.Tests.LinearRegression;

/// <summary>The example's exact float64 least-squares solver, on systems whose answers are known.</summary>
public class NormalEquationsTests
{
    [Fact]
    public void CholeskySolvesAKnownSystem()
    {
        // G = L·Lᵀ with L = [[2, 0, 0], [1, 3, 0], [-1, 2, 1]]; θ = [1, -2, 0.5] gives r = G·θ.
        var g = new double[,] { { 4, 2, -2 }, { 2, 10, 5 }, { -2, 5, 6 } };
        double[] theta = [1, -2, 0.5];
        var r = new double[3];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                r[i] += g[i, j] * theta[j];
            }
        }
        var solved = NormalEquations.CholeskySolve(g, r);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(theta[i], solved[i], 1e-12);
        }
    }

    [Fact]
    public void CholeskyRejectsAMatrixThatIsNotPositiveDefinite()
    {
        var g = new double[,] { { 1, 2 }, { 2, 1 } };
        var e = Assert.Throws<InvalidOperationException>(() => NormalEquations.CholeskySolve(g, [1, 1]));
        Assert.Contains("not positive definite", e.Message);
    }

    [Fact]
    public void NoiseFreeDataGivesBackItsWeightsAndBiasAndRSquaredOne()
    {
        var gen = new Generator(3);
        var x = Tensor.Randn([50, 4], DType.Float64, gen).ToDoubleMatrix();
        double[] w = [0.5, -1.25, 2, 3];
        var truth = new AffineFit(w, -0.75);
        var y = truth.Predict(x);
        var fit = NormalEquations.Solve(x, y);
        Assert.True(fit.DistanceTo(truth) < 1e-12, $"distance {fit.DistanceTo(truth)}");
        Assert.Equal(1.0, NormalEquations.RSquared(y, fit.Predict(x)), 1e-12);
        Assert.Equal(0.0, fit.MeanSquaredError(x, y), 1e-20);
    }

    [Fact]
    public void ResidualOfTheFitIsOrthogonalToEveryColumnAndToTheOnes()
    {
        // The normal equations say exactly this: Aᵀ(y − A·θ) = 0 for A = [X, 1].
        var gen = new Generator(11);
        var x = Tensor.Randn([200, 5], DType.Float64, gen).ToDoubleMatrix();
        var y = Tensor.Randn([200], DType.Float64, gen).ToDoubleArray();
        var fit = NormalEquations.Solve(x, y);
        var prediction = fit.Predict(x);
        for (int j = 0; j <= 5; j++)
        {
            double dot = 0;
            for (int i = 0; i < 200; i++)
            {
                dot += (j < 5 ? x[i, j] : 1) * (y[i] - prediction[i]);
            }
            Assert.True(Math.Abs(dot) < 1e-10, $"column {j}: Aᵀr = {dot}");
        }
        Assert.InRange(NormalEquations.RSquared(y, prediction), 0.0, 0.1); // pure noise: little to explain
    }

    [Fact]
    public void MismatchedSizesAreErrors()
    {
        var x = new double[3, 2];
        Assert.Contains("3 rows but y has 2", Assert.Throws<ArgumentException>(() => NormalEquations.Solve(x, [1, 2])).Message);
        Assert.Throws<ArgumentException>(() => NormalEquations.RSquared([1, 2], [1]));
        Assert.Throws<ArgumentException>(() => new AffineFit([1, 2, 3], 0).Predict(x));
    }
}
