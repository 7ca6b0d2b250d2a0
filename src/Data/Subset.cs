using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace MiniTorch.Data;

/// <summary>
/// The samples of another dataset at the given indices, in the given order (PyTorch's <c>Subset</c>).
/// It holds no data of its own: a sample is read from <see cref="Dataset"/> when asked for.
/// </summary>
/// <typeparam name="T">The sample type.</typeparam>
public sealed class Subset<T> : Dataset<T>
{
    private readonly int[] _indices;

    /// <summary>Creates a view of <paramref name="dataset"/> holding the samples at <paramref name="indices"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <paramref name="dataset"/>.</exception>
    public Subset(Dataset<T> dataset, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(indices);
        int count = dataset.Count;
        _indices = new int[indices.Count];
        for (int i = 0; i < _indices.Length; i++)
        {
            int index = indices[i];
            // Checked now rather than when the sample is read, so a bad split fails where it is made.
            if ((uint)index >= (uint)count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices),
                    $"Subset: indices[{i}] = {index} is out of range for a dataset of {count} samples.");
            }
            _indices[i] = index;
        }
        Dataset = dataset;
    }

    /// <summary>The dataset the samples come from.</summary>
    public Dataset<T> Dataset { get; }

    /// <summary>The indices into <see cref="Dataset"/>, in this subset's order.</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <inheritdoc/>
    public override int Count => _indices.Length;

    /// <summary>Maps the indices to the underlying dataset and lets it build the batch, if it can.</summary>
    public override bool TryGetBatch(ReadOnlySpan<int> indices, [MaybeNullWhen(false)] out T batch)
    {
        int[] rented = ArrayPool<int>.Shared.Rent(indices.Length);
        try
        {
            var mapped = rented.AsSpan(0, indices.Length);
            for (int i = 0; i < mapped.Length; i++)
            {
                mapped[i] = _indices[indices[i]];
            }
            return Dataset.TryGetBatch(mapped, out batch);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <inheritdoc/>
    protected override T GetItem(int index) => Dataset.Get(_indices[index]);
}
