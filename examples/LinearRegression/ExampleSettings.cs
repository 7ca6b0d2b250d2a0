namespace LinearRegression;

/// <summary>Every setting of the example's runs: the synthetic problem, its two optimizers, and the diabetes fit.</summary>
public sealed record ExampleSettings(SyntheticSettings Synthetic, TrainingSettings SyntheticSgd, TrainingSettings SyntheticAdam, TrainingSettings Diabetes)
{
    /// <summary>The settings the program runs with (two to three seconds in all, Debug build).</summary>
    /// <remarks>
    /// The diabetes run is long because its features are nearly collinear (s1, s2, s3, s5): XᵀX/n of the standardised
    /// features has eigenvalues from 4.02 down to 0.0086. The loss, and so R², settles within a few epochs, but the
    /// coefficients along that flat direction need hundreds of epochs with an annealed rate to reach the exact ones.
    /// </remarks>
    public static ExampleSettings Default { get; } = new(
        new SyntheticSettings(Samples: 1000, Features: 10, NoiseStd: 0.5, Seed: 42),
        new TrainingSettings(OptimizerKind.Sgd, Epochs: 60, BatchSize: 32, LearningRate: 0.05, Seed: 1),
        new TrainingSettings(OptimizerKind.Adam, Epochs: 60, BatchSize: 32, LearningRate: 0.05, Seed: 1),
        new TrainingSettings(OptimizerKind.Adam, Epochs: 400, BatchSize: 32, LearningRate: 0.05, Seed: 1));
}
