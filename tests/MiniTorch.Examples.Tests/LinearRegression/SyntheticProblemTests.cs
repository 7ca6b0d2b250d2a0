using LinearRegression;

namespace MiniTorch.Examples.Tests.LinearRegression;

/// <summary>Part (a) of the example with small settings: the gradient check and both optimizers' training.</summary>
public class SyntheticProblemTests
{
    private static readonly SyntheticSettings Problem = ExampleSettings.Default.Synthetic;

    [Theory]
    [InlineData(1000, 10, 42, 7)]
    [InlineData(300, 4, 5, 1)]
    [InlineData(64, 17, 9, 2)]
    public void HandDerivedGradientEqualsAutogradToFloatTolerance(int samples, int features, long dataSeed, long weightSeed)
    {
        var problem = SyntheticProblem.Create(new SyntheticSettings(samples, features, 0.5, dataSeed));
        var g = problem.CompareGradients(weightSeed);
        Assert.Equal([features], g.Autograd.Shape);
        Assert.True(g.MaxAbsGradient > 1, $"a gradient of {g.MaxAbsGradient} would make the comparison vacuous");
        // Both float32 results round the same sums: a few units in the last place of the largest component at most.
        Assert.True(g.MaxAbsDifference <= 1e-6 * g.MaxAbsGradient, $"autograd and 2Xᵀ(Xw − y) differ by {g.MaxAbsDifference}");
        // Against the float64 formula the gap is float32 rounding of sums of `samples` terms, ~1e-7 relative;
        // a wrong gradient (a missing 2, a transposed product) is off by O(1) relative.
        Assert.True(g.MaxAbsErrorOfAutograd <= 1e-5 * g.MaxAbsGradient, $"autograd is {g.MaxAbsErrorOfAutograd} from the float64 formula (max |g| {g.MaxAbsGradient})");
    }

    [Fact]
    public void DataIsTheSeededLinearModelPlusNoiseOfTheRequestedSize()
    {
        var problem = SyntheticProblem.Create(Problem);
        var again = SyntheticProblem.Create(Problem);
        Assert.Equal([1000, 10], problem.Features.Shape);
        Assert.Equal(problem.Features.ToFloatArray(), again.Features.ToFloatArray());
        Assert.Equal(problem.Targets.ToFloatArray(), again.Targets.ToFloatArray());
        // y − X·w* is the noise: its standard deviation is σ = 0.5 up to sampling error (~0.5/√2000 ≈ 0.011).
        var truth = new AffineFit(problem.TrueWeights.ToDoubleArray(), 0);
        double noiseStd = Math.Sqrt(truth.MeanSquaredError(problem.FeaturesAsDoubles(), problem.TargetsAsDoubles()));
        Assert.InRange(noiseStd, 0.47, 0.53);
    }

    /// <summary>
    /// How far a trained (w, b) may be from the least-squares solution. The least-squares estimate is itself off the
    /// truth by about σ·√((d + 1)/n) = 0.5·√(11/1000) ≈ 0.052 (0.063 for this seed) because of the noise; an
    /// optimizer whose own error is under a third of that adds nothing that matters, while an untrained or diverged
    /// model is off by ‖w*‖ ≈ 4.3.
    /// </summary>
    private static readonly double DistanceThreshold = Problem.NoiseStd * Math.Sqrt((Problem.Features + 1.0) / Problem.Samples) / 3;

    [Theory]
    [InlineData(OptimizerKind.Sgd, 1)]
    [InlineData(OptimizerKind.Sgd, 5)]
    [InlineData(OptimizerKind.Adam, 1)]
    [InlineData(OptimizerKind.Adam, 5)]
    public void BothOptimizersReachTheLeastSquaresSolution(OptimizerKind optimizer, long seed)
    {
        var problem = SyntheticProblem.Create(Problem);
        var exact = problem.LeastSquares();
        var settings = new TrainingSettings(optimizer, Epochs: 12, BatchSize: 32, LearningRate: 0.05, Seed: seed);
        int epochsSeen = 0;
        var run = LinearTrainer.Train(problem.Features, problem.Targets, settings, p => Assert.Equal(++epochsSeen, p.Epoch));

        Assert.Equal(12, epochsSeen);
        Assert.Equal(13, run.Losses.Length);
        double distance = run.Fit.DistanceTo(exact);
        Assert.True(distance < DistanceThreshold, $"{optimizer}: distance {distance} to least squares, threshold {DistanceThreshold}");
        double exactLoss = exact.MeanSquaredError(problem.FeaturesAsDoubles(), problem.TargetsAsDoubles());
        Assert.True(run.Losses[0] > 10 * exactLoss, $"the untrained loss {run.Losses[0]} should be far above the minimum {exactLoss}");
        Assert.InRange(run.Losses[^1], exactLoss, exactLoss * 1.001);
    }

    [Fact]
    public void TheSeedFixesTheRunAndAnotherSeedChangesIt()
    {
        var problem = SyntheticProblem.Create(Problem);
        var settings = new TrainingSettings(OptimizerKind.Sgd, Epochs: 3, BatchSize: 50, LearningRate: 0.05, Seed: 4);
        var first = LinearTrainer.Train(problem.Features, problem.Targets, settings);
        var second = LinearTrainer.Train(problem.Features, problem.Targets, settings);
        var other = LinearTrainer.Train(problem.Features, problem.Targets, settings with { Seed = 5 });
        Assert.Equal(first.Losses, second.Losses);
        Assert.Equal(first.Model.Weight.ToFloatArray(), second.Model.Weight.ToFloatArray());
        Assert.NotEqual(first.Losses[^1], other.Losses[^1]);
    }

    [Theory]
    [InlineData(0, 32, 0.1)]
    [InlineData(5, 0, 0.1)]
    [InlineData(5, 32, 0.0)]
    [InlineData(5, 32, double.NaN)]
    public void InvalidSettingsAreRejectedBeforeTraining(int epochs, int batchSize, double lr)
    {
        var problem = SyntheticProblem.Create(new SyntheticSettings(20, 2, 0.1, 1));
        var settings = new TrainingSettings(OptimizerKind.Adam, epochs, batchSize, lr, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearTrainer.Train(problem.Features, problem.Targets, settings));
    }

    [Fact]
    public void MismatchedFeaturesAndTargetsAreRejected()
    {
        var problem = SyntheticProblem.Create(new SyntheticSettings(20, 2, 0.1, 1));
        var settings = new TrainingSettings(OptimizerKind.Sgd, 1, 4, 0.1, 1);
        var e = Assert.Throws<ArgumentException>(() => LinearTrainer.Train(problem.Features, problem.Targets[..10], settings));
        Assert.Contains("[20, 2] and [10]", e.Message);
    }
}
