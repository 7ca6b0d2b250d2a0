using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace MiniTorch.Data;

/// <summary>
/// A finite, indexable collection of samples (PyTorch's map-style <c>torch.utils.data.Dataset</c>).
/// Subclasses supply <see cref="Count"/> and <see cref="GetItem"/>; the index is range-checked here,
/// once, so every dataset reports a bad index the same way.
/// </summary>
/// <typeparam name="T">The type of one sample, for example <c>Tensor[]</c> (features and target).</typeparam>
public abstract class Dataset<T> : IReadOnlyList<T>
{
    /// <summary>The number of samples (PyTorch's <c>len(dataset)</c>).</summary>
    public abstract int Count { get; }

    /// <summary>The sample at <paramref name="index"/> (0-based), as <see cref="Get"/>.</summary>
    public T this[int index] => Get(index);

    /// <summary>The sample at <paramref name="index"/> (0-based; PyTorch's <c>dataset[i]</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is negative or not less than <see cref="Count"/>.</exception>
    public T Get(int index)
    {
        int count = Count;
        if ((uint)index >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"{GetType().Name}: index {index} is out of range for a dataset of {count} samples (valid: 0..{count - 1}).");
        }
        return GetItem(index);
    }

    /// <summary>
    /// Builds the batch of the samples at <paramref name="indices"/> in one step, when the dataset can do that
    /// faster than collating the samples one by one (PyTorch's <c>__getitems__</c>). The batch must equal what
    /// the default collate function makes of the same samples. The default returns <see langword="false"/>.
    /// </summary>
    /// <param name="indices">Valid sample indices, in batch order.</param>
    /// <param name="batch">The batch, when the method returns <see langword="true"/>.</param>
    /// <returns>Whether the batch was built.</returns>
    public virtual bool TryGetBatch(ReadOnlySpan<int> indices, [MaybeNullWhen(false)] out T batch)
    {
        batch = default;
        return false;
    }

    /// <summary>Enumerates the samples in index order.</summary>
    public IEnumerator<T> GetEnumerator()
    {
        int count = Count;
        for (int i = 0; i < count; i++)
        {
            yield return GetItem(i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The sample at <paramref name="index"/>, which the caller has checked to be in range.</summary>
    protected abstract T GetItem(int index);
}
