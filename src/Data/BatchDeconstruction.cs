namespace MiniTorch.Data;

/// <summary>
/// Lets a <c>Tensor[]</c> sample or batch be taken apart like PyTorch's tuples:
/// <c>foreach (var (x, y) in loader)</c> for <c>for x, y in loader:</c>.
/// </summary>
public static class BatchDeconstruction
{
    /// <summary>The two tensors of a (features, targets) sample or batch.</summary>
    /// <exception cref="ArgumentException">The array does not hold exactly two tensors.</exception>
    public static void Deconstruct(this Tensor[] batch, out Tensor first, out Tensor second)
    {
        Check(batch, 2);
        first = batch[0];
        second = batch[1];
    }

    /// <summary>The three tensors of a sample or batch.</summary>
    /// <exception cref="ArgumentException">The array does not hold exactly three tensors.</exception>
    public static void Deconstruct(this Tensor[] batch, out Tensor first, out Tensor second, out Tensor third)
    {
        Check(batch, 3);
        first = batch[0];
        second = batch[1];
        third = batch[2];
    }

    private static void Check(Tensor[] batch, int expected)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Length != expected)
        {
            throw new ArgumentException($"Cannot take apart a batch of {batch.Length} tensors into {expected} variables; a TensorDataset made of {batch.Length} tensors gives batches of {batch.Length}.", nameof(batch));
        }
    }
}
