using MiniTorch.Examples;

namespace LinearRegression;

/// <summary>
/// The exact least-squares fit, in float64, by the normal equations AᵀA·θ = Aᵀy with A = [X, 1] solved by Cholesky.
/// Forming AᵀA squares the condition number of X; the example's worst case, the standardised diabetes features
/// (XᵀX/n has eigenvalues from 4.02 down to 0.0086, condition number ≈ 470), costs about three of float64's sixteen
/// digits, nothing next to float32 training. Nearly collinear columns would call for QR instead.
/// </summary>
public static class NormalEquations
{
    /// <summary>The weights and intercept minimising ‖Xw + b − y‖².</summary>
    public static AffineFit Solve(double[,] x, double[] y)
    {
        int rows = x.GetLength(0), cols = x.GetLength(1);
        if (y.Length != rows)
        {
            throw new ArgumentException($"NormalEquations.Solve: x has {rows} rows but y has {y.Length} values.", nameof(y));
        }
        int n = cols + 1; // the last unknown is the intercept, whose column of A is all ones
        var gram = new double[n, n];
        var rhs = new double[n];
        var row = new double[n];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                row[j] = x[i, j];
            }
            row[cols] = 1;
            for (int a = 0; a < n; a++)
            {
                rhs[a] += row[a] * y[i];
                for (int b = 0; b <= a; b++)
                {
                    gram[a, b] += row[a] * row[b];
                }
            }
        }
        var theta = CholeskySolve(gram, rhs);
        return new AffineFit(theta[..cols], theta[cols]);
    }

    /// <summary>Solves G·θ = r for the symmetric positive definite Gram matrix G (lower triangle read) by Cholesky.</summary>
    public static double[] CholeskySolve(double[,] g, double[] r) => Cholesky.Solve(g, r, "the columns of X are linearly dependent");

    /// <summary>The coefficient of determination 1 − Σ(y − ŷ)² / Σ(y − ȳ)².</summary>
    public static double RSquared(double[] y, double[] prediction)
    {
        if (y.Length != prediction.Length || y.Length == 0)
        {
            throw new ArgumentException($"RSquared: {y.Length} targets against {prediction.Length} predictions.", nameof(prediction));
        }
        double mean = y.Average();
        double residual = 0, total = 0;
        for (int i = 0; i < y.Length; i++)
        {
            residual += (y[i] - prediction[i]) * (y[i] - prediction[i]);
            total += (y[i] - mean) * (y[i] - mean);
        }
        return 1 - residual / total;
    }
}
