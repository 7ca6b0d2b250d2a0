namespace MiniTorch.Data;

/// <summary>
/// Collate functions: they turn the list of samples of one batch into the batch (PyTorch's <c>collate_fn</c>).
/// <see cref="DataLoader{T}"/> uses <see cref="Stack"/> for <see cref="Tensor"/> samples and
/// <see cref="StackFields"/> for <c>Tensor[]</c> samples unless given another.
/// </summary>
public static class Collate
{
    /// <summary>Stacks the samples along a new first dimension: n tensors of shape [d…] give one of shape [n, d…].</summary>
    /// <exception cref="ArgumentException">No samples, or samples of different shapes.</exception>
    public static Tensor Stack(IReadOnlyList<Tensor> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            throw new ArgumentException("Collate.Stack: a batch needs at least one sample.", nameof(samples));
        }
        return Tensor.Stack(samples);
    }

    /// <summary>
    /// Stacks each field of the samples separately: n samples <c>[x_i, y_i]</c> give the batch
    /// <c>[stack(x_0…x_n-1), stack(y_0…y_n-1)]</c>, as PyTorch's <c>default_collate</c> does for tuples of tensors.
    /// </summary>
    /// <exception cref="ArgumentException">No samples, samples with different numbers of fields, or a field whose tensors differ in shape.</exception>
    public static Tensor[] StackFields(IReadOnlyList<Tensor[]> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            throw new ArgumentException("Collate.StackFields: a batch needs at least one sample.", nameof(samples));
        }
        int fields = samples[0].Length;
        for (int i = 1; i < samples.Count; i++)
        {
            if (samples[i].Length != fields)
            {
                throw new ArgumentException($"Collate.StackFields: each element in list of batch should be of equal size: sample 0 has {fields} tensors but sample {i} has {samples[i].Length}.", nameof(samples));
            }
        }
        var batch = new Tensor[fields];
        var column = new Tensor[samples.Count];
        for (int k = 0; k < fields; k++)
        {
            for (int i = 0; i < column.Length; i++)
            {
                column[i] = samples[i][k];
            }
            try
            {
                batch[k] = Tensor.Stack(column);
            }
            catch (ArgumentException e)
            {
                // Tensor.Stack names the sample but cannot know which field of the samples it was given.
                throw new ArgumentException($"Collate.StackFields: field {k} of the samples: {e.Message}", nameof(samples), e);
            }
        }
        return batch;
    }
}
