namespace MiniTorch.NN;

public static partial class Functional
{
    /// <summary>
    /// Looks up rows of <paramref name="weight"/> (num_embeddings, dim) for every index in <paramref name="indices"/>, an
    /// Int64 or Int32 tensor (the dtypes PyTorch accepts; float indices are refused) of any shape; the result has shape
    /// indices.shape + [dim] (PyTorch's <c>F.embedding</c>). An index outside [0, num_embeddings) is an error naming it.
    /// The row at <paramref name="paddingIdx"/> is returned as stored but receives no gradient.
    /// </summary>
    public static Tensor Embedding(Tensor indices, Tensor weight, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2)
        {
            throw new ArgumentException($"Embedding: expected a 2-D weight [numEmbeddings, embeddingDim], got {Format(weight.Shape)}.");
        }
        var values = IndexValues("Embedding", "indices", indices, allowInt32: true);
        if (IndexProblem(values, indices.Shape, weight.Size(0)) is { } problem)
        {
            throw new ArgumentException("Embedding: " + problem, nameof(indices));
        }
        var flat = Tensor.FromArray(values);
        var rows = weight.IndexSelect(0, flat);
        if (paddingIdx is int pad && weight.RequiresGrad)
        {
            // Same values, but the padding rows' contribution goes through a detached copy: no gradient reaches that row.
            var padFlags = new double[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                padFlags[i] = values[i] == pad ? 1 : 0;
            }
            var isPad = Tensor.FromArray(padFlags).To(weight.DType).Unsqueeze(1);
            rows = rows * (1 - isPad) + rows.Detach() * isPad;
        }
        var output = rows.Reshape([.. indices.Shape, weight.Size(1)]);
        if (Tracing.IsActive)
        {
            // The indices were read as numbers above; reporting the lookup as one op keeps them an input of the graph.
            Tracing.Record("Embedding", [output], [indices, weight]);
        }
        return output;
    }

    /// <summary>What is wrong with the first index outside [0, count), or null if all are valid.</summary>
    internal static string? IndexProblem(long[] values, int[] shape, int count)
    {
        for (int i = 0; i < values.Length; i++)
        {
            long v = values[i];
            if (v < 0 || v >= count)
            {
                return $"index {v} at position {Position(shape, i)} is out of range for {count} embeddings (valid indices are 0 to {count - 1}).";
            }
        }
        return null;
    }
}
