namespace LinearRegression;

/// <summary>
/// The diabetes fit, reported on the original target scale: R² and one coefficient per standardised feature
/// (change in disease progression per standard deviation of the feature), for the trained layer (<see cref="Learned"/>) and for the
/// exact normal-equations solution (<see cref="Exact"/>) on the same standardised features. <see cref="ExactTrainingLoss"/> is the exact fit's
/// MSE in the units the layer trains in (standardised target), the floor of <c>Run.Losses</c>.
/// </summary>
public sealed record DiabetesResult(TrainingRun Run, AffineFit Learned, AffineFit Exact, double LearnedRSquared, double ExactRSquared, double ExactTrainingLoss)
{
    /// <summary>max |learned − exact| over the ten coefficients.</summary>
    public double MaxCoefficientDifference
    {
        get
        {
            double max = 0;
            for (int j = 0; j < Learned.Weights.Length; j++)
            {
                max = Math.Max(max, Math.Abs(Learned.Weights[j] - Exact.Weights[j]));
            }
            return max;
        }
    }
}

/// <summary>Trains a linear model on the standardised diabetes data and compares it with the exact fit.</summary>
public static class DiabetesRegression
{
    /// <summary>
    /// The ordinary least-squares coefficients of the diabetes data in scikit-learn's scaling (<c>load_diabetes()</c>:
    /// every column centred and scaled to unit sum of squares), as scikit-learn's examples and countless tutorials print
    /// them, rounded to one decimal, with the intercept 152.1; for the reader to compare against.
    /// </summary>
    public static IReadOnlyList<double> ScikitLearnOlsCoefficients { get; } = [-10.0, -239.8, 519.8, 324.4, -792.2, 476.7, 101.0, 177.1, 751.3, 67.6];

    /// <summary>The intercept that goes with <see cref="ScikitLearnOlsCoefficients"/> (the mean target, as the columns are centred).</summary>
    public const double ScikitLearnOlsIntercept = 152.1;

    /// <summary>
    /// Re-expresses a fit on standardised features (centred, divided by the population standard deviation σ) in
    /// scikit-learn's scaling (centred, divided by the column's norm √n·σ): the feature shrinks by √n, so its
    /// coefficient grows by √n. The intercept stays: both scalings centre the columns.
    /// </summary>
    public static AffineFit ToUnitSumOfSquaresScaling(AffineFit perStandardDeviation, int samples)
    {
        ArgumentNullException.ThrowIfNull(perStandardDeviation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        double root = Math.Sqrt(samples);
        return new AffineFit(Array.ConvertAll(perStandardDeviation.Weights, w => w * root), perStandardDeviation.Bias);
    }

    /// <summary>
    /// Trains on the standardised features against the standardised target (mean 0, standard deviation 1: the
    /// bias then starts near its optimum and one learning rate suits every parameter), then maps the layer back to
    /// the original target scale for R² and the coefficients.
    /// </summary>
    public static DiabetesResult Fit(DiabetesData data, TrainingSettings settings, Action<EpochProgress>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        double mean = data.Targets.Mean().Item();
        double std = data.Targets.Std(correction: 0).Item();
        var scaledTargets = (data.Targets - mean) / std;
        var run = LinearTrainer.Train(data.Features, scaledTargets, settings, onEpoch);

        // ŷ = (x·w + b)·std + mean, so on the original scale the weights are w·std and the intercept b·std + mean.
        var scaled = run.Fit;
        var learned = new AffineFit(Array.ConvertAll(scaled.Weights, w => w * std), scaled.Bias * std + mean);

        var x = data.Features.ToDoubleMatrix();
        var y = data.Targets.ToDoubleArray();
        var exact = NormalEquations.Solve(x, y);
        return new DiabetesResult(run, learned, exact,
            NormalEquations.RSquared(y, learned.Predict(x)),
            NormalEquations.RSquared(y, exact.Predict(x)),
            exact.MeanSquaredError(x, y) / (std * std));
    }
}
