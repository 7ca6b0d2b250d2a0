using MiniTorch;

namespace LinearRegression;

/// <summary>The bridge from tensors to the float64 arrays of the exact least-squares solve.</summary>
public static class TensorMatrices
{
    /// <summary>Copies a 2-D tensor into a float64 matrix.</summary>
    public static double[,] ToDoubleMatrix(this Tensor t)
    {
        if (t.Rank != 2)
        {
            throw new ArgumentException($"ToDoubleMatrix: expected a 2-D tensor, got shape [{string.Join(", ", t.Shape)}].", nameof(t));
        }
        var flat = t.ToDoubleArray();
        var m = new double[t.Size(0), t.Size(1)];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
        return m;
    }
}
