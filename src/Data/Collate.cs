namespace MiniTorch.Data;

/// <summary>
/// Collate functions: they turn the list of samples of one batch into the batch (PyTorch's <c>collate_fn</c>).
/// <see cref="DataLoader{T}"/> uses <see cref="Stack"/> for <see cref="Tensor"/> samples and
/// <see cref="StackFields"/> for <c>Tensor[]</c> samples unless given another. Tensors are stacked in their own
/// dtype (Int64 labels give an Int64 batch, Bool masks a Bool batch), and scalar samples become a 1-D tensor with
/// PyTorch's <c>default_collate</c> dtypes (<see cref="Scalars(IReadOnlyList{long})"/> and its overloads).
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

    /// <summary>
    /// Integer samples as one Int64 tensor of shape [n]: PyTorch's <c>default_collate</c> turns Python ints into
    /// <c>torch.tensor(batch)</c>, which is int64. Use with <c>new DataLoader&lt;long, Tensor&gt;(labels, 32, Collate.Scalars)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No samples.</exception>
    public static Tensor Scalars(IReadOnlyList<long> samples) => Tensor.WrapArray(Copy(samples), Count(samples));

    /// <summary>Integer samples as one Int64 tensor of shape [n], as <c>default_collate</c> makes of Python ints (which have no 32-bit kind).</summary>
    /// <exception cref="ArgumentException">No samples.</exception>
    public static Tensor Scalars(IReadOnlyList<int> samples)
    {
        var values = new long[Count(samples)[0]];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = samples[i];
        }
        return Tensor.WrapArray(values, values.Length);
    }

    /// <summary>Boolean samples as one Bool tensor of shape [n], as <c>default_collate</c> makes of Python bools.</summary>
    /// <exception cref="ArgumentException">No samples.</exception>
    public static Tensor Scalars(IReadOnlyList<bool> samples) => Tensor.WrapArray(Copy(samples), Count(samples));

    /// <summary>
    /// <see cref="double"/> samples as one Float64 tensor of shape [n]: a C# double is a Python float, which
    /// <c>default_collate</c> collates to float64 (<c>torch.tensor(batch, dtype=torch.float64)</c>), not to the
    /// default float dtype.
    /// </summary>
    /// <exception cref="ArgumentException">No samples.</exception>
    public static Tensor Scalars(IReadOnlyList<double> samples) => Tensor.WrapArray(Copy(samples), Count(samples));

    /// <summary>
    /// <see cref="float"/> samples as one Float32 tensor of shape [n]: a C# float is 32-bit, as a NumPy float32
    /// scalar, which <c>default_collate</c> keeps as float32.
    /// </summary>
    /// <exception cref="ArgumentException">No samples.</exception>
    public static Tensor Scalars(IReadOnlyList<float> samples) => Tensor.WrapArray(Copy(samples), Count(samples));

    private static int[] Count<T>(IReadOnlyList<T> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            throw new ArgumentException("Collate.Scalars: a batch needs at least one sample.", nameof(samples));
        }
        return [samples.Count];
    }

    private static T[] Copy<T>(IReadOnlyList<T> samples)
    {
        _ = Count(samples);
        var values = new T[samples.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = samples[i];
        }
        return values;
    }
}
