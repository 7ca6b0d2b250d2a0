namespace LinearRegression;

/// <summary>An affine fit ŷ = x·w + b.</summary>
public sealed record AffineFit(double[] Weights, double Bias)
{
    /// <summary>The prediction for every row of <paramref name="x"/>.</summary>
    public double[] Predict(double[,] x)
    {
        int rows = x.GetLength(0), cols = x.GetLength(1);
        if (cols != Weights.Length)
        {
            throw new ArgumentException($"Predict: x has {cols} columns but the fit has {Weights.Length} weights.", nameof(x));
        }
        var prediction = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double sum = Bias;
            for (int j = 0; j < cols; j++)
            {
                sum += x[i, j] * Weights[j];
            }
            prediction[i] = sum;
        }
        return prediction;
    }

    /// <summary>The mean squared error (1/n)·Σ(ŷ − y)² of the fit on rows of <paramref name="x"/>, in float64.</summary>
    public double MeanSquaredError(double[,] x, double[] y)
    {
        var prediction = Predict(x);
        if (y.Length != prediction.Length)
        {
            throw new ArgumentException($"MeanSquaredError: x has {prediction.Length} rows but y has {y.Length} values.", nameof(y));
        }
        double sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            sum += (prediction[i] - y[i]) * (prediction[i] - y[i]);
        }
        return sum / y.Length;
    }

    /// <summary>The Euclidean distance between the parameter vectors [w; b] of two fits.</summary>
    public double DistanceTo(AffineFit other)
    {
        if (other.Weights.Length != Weights.Length)
        {
            throw new ArgumentException($"DistanceTo: {Weights.Length} weights against {other.Weights.Length}.", nameof(other));
        }
        double sum = (Bias - other.Bias) * (Bias - other.Bias);
        for (int j = 0; j < Weights.Length; j++)
        {
            sum += (Weights[j] - other.Weights[j]) * (Weights[j] - other.Weights[j]);
        }
        return Math.Sqrt(sum);
    }
}
