namespace MiniTorch.Examples;

/// <summary>A dense solver for the small symmetric positive definite systems the examples meet (normal equations, Newton steps).</summary>
public static class Cholesky
{
    /// <summary>
    /// Solves G·θ = r for a symmetric positive definite G of which only the lower triangle is read:
    /// G = L·Lᵀ, then L·z = r forwards and Lᵀ·θ = z backwards.
    /// </summary>
    /// <param name="g">The matrix; only its lower triangle is read.</param>
    /// <param name="r">The right-hand side.</param>
    /// <param name="whyNotPositiveDefinite">What a failed pivot means for the caller's problem, for the error message.</param>
    public static double[] Solve(double[,] g, double[] r, string whyNotPositiveDefinite)
    {
        int n = r.Length;
        var l = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            double diagonal = g[j, j];
            for (int k = 0; k < j; k++)
            {
                diagonal -= l[j, k] * l[j, k];
            }
            if (!(diagonal > 0))
            {
                throw new InvalidOperationException($"CholeskySolve: the matrix is not positive definite (pivot {j} is {diagonal}); {whyNotPositiveDefinite}.");
            }
            l[j, j] = Math.Sqrt(diagonal);
            for (int i = j + 1; i < n; i++)
            {
                double sum = g[i, j];
                for (int k = 0; k < j; k++)
                {
                    sum -= l[i, k] * l[j, k];
                }
                l[i, j] = sum / l[j, j];
            }
        }
        var z = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = r[i];
            for (int k = 0; k < i; k++)
            {
                sum -= l[i, k] * z[k];
            }
            z[i] = sum / l[i, i];
        }
        var theta = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = z[i];
            for (int k = i + 1; k < n; k++)
            {
                sum -= l[k, i] * theta[k];
            }
            theta[i] = sum / l[i, i];
        }
        return theta;
    }
}
