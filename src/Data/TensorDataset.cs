using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace MiniTorch.Data;

/// <summary>
/// A dataset over tensors that share their first dimension (PyTorch's <c>TensorDataset</c>): sample
/// <c>i</c> is <c>[t0[i], t1[i], …]</c>, for example features and targets.
/// </summary>
/// <remarks>
/// Samples are views of the given tensors (no copy). A <see cref="DataLoader{T}"/> with the default collate
/// builds each batch by copying the chosen rows straight into new batch tensors (<see cref="TryGetBatch"/>).
/// </remarks>
public class TensorDataset : Dataset<Tensor[]>
{
    private readonly Tensor[] _tensors;

    /// <summary>Creates a dataset whose sample <c>i</c> holds row <c>i</c> of each tensor.</summary>
    /// <exception cref="ArgumentException">No tensors, a 0-dim tensor, or tensors whose first dimensions differ.</exception>
    public TensorDataset(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0)
        {
            throw new ArgumentException("TensorDataset: expected at least one tensor.", nameof(tensors));
        }
        for (int i = 0; i < tensors.Length; i++)
        {
            if (tensors[i] is null)
            {
                throw new ArgumentNullException(nameof(tensors), $"TensorDataset: tensor {i} is null.");
            }
            if (tensors[i].Rank == 0)
            {
                throw new ArgumentException($"TensorDataset: tensor {i} is 0-dimensional; every tensor needs a first dimension to index samples by.", nameof(tensors));
            }
        }
        int count = tensors[0].Size(0);
        for (int i = 1; i < tensors.Length; i++)
        {
            if (tensors[i].Size(0) != count)
            {
                throw new ArgumentException($"TensorDataset: Size mismatch between tensors: {DescribeShapes(tensors)}; every tensor must have the same size in dimension 0 (the number of samples).", nameof(tensors));
            }
        }
        _tensors = (Tensor[])tensors.Clone();
        Count = count;
    }

    /// <summary>The tensors, in sample order (PyTorch's <c>dataset.tensors</c>).</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <inheritdoc/>
    public override int Count { get; }

    /// <summary>
    /// The rows at <paramref name="indices"/> of each tensor as new batch tensors of shape <c>[indices.Length, …]</c>,
    /// copied row by row (<see cref="Tensor.IndexSelect(int, Tensor)"/>); the same values, and the same graph when a
    /// tensor requires grad, as stacking the samples.
    /// </summary>
    public override bool TryGetBatch(ReadOnlySpan<int> indices, [MaybeNullWhen(false)] out Tensor[] batch)
    {
        var rows = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"TensorDataset: indices[{i}] = {indices[i]} is out of range for a dataset of {Count} samples.");
            }
            rows[i] = indices[i];
        }
        var index = Tensor.IndexTensor(rows);
        batch = new Tensor[_tensors.Length];
        for (int k = 0; k < _tensors.Length; k++)
        {
            // Integer and bool tensors (labels, masks) carry no graph: their rows are stacked in their own dtype,
            // exactly what the default collate makes of the samples.
            batch[k] = _tensors[k].DType.IsFloatingPoint() ? _tensors[k].IndexSelect(0, index) : StackRows(_tensors[k], rows);
        }
        return true;
    }

    /// <inheritdoc/>
    protected override Tensor[] GetItem(int index)
    {
        var sample = new Tensor[_tensors.Length];
        for (int k = 0; k < _tensors.Length; k++)
        {
            sample[k] = _tensors[k].Select(0, index);
        }
        return sample;
    }

    private static Tensor StackRows(Tensor tensor, int[] rows)
    {
        var parts = new Tensor[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            parts[i] = tensor.Select(0, rows[i]);
        }
        return Tensor.Stack(parts);
    }

    private static string DescribeShapes(Tensor[] tensors)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < tensors.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            sb.Append("tensor ").Append(i).Append(" has shape [").AppendJoin(", ", tensors[i].Shape).Append(']');
        }
        return sb.ToString();
    }
}
