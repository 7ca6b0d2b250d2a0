namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// Basic indexing as in PyTorch, always a view: <c>x[0]</c>, <c>x[.., 1]</c>, <c>x[1..3, ^1]</c>,
    /// <c>x[TensorIndex.Ellipsis, 0]</c>. Ints remove their dimension; ranges keep it. Assigning (<c>x[1.., 0] = v</c>,
    /// PyTorch's <c>__setitem__</c>) writes <c>v</c>, broadcast to the indexed shape, in place; with autograd it is an
    /// in-place op on the graph: the gradient reaches both the old value (zero in the window) and <c>v</c>.
    /// </summary>
    [System.Runtime.CompilerServices.IndexerName("Index")] // "Item" is taken by Item(), as in PyTorch
    public Tensor this[params TensorIndex[] indices]
    {
        get => IndexView(indices);
        set => IndexAssign(indices, value);
    }

    private Tensor IndexView(TensorIndex[] indices)
    {
        {
            ArgumentNullException.ThrowIfNull(indices);
            int consumed = 0;
            int ellipses = 0;
            foreach (var ix in indices)
            {
                if (ix.Kind == TensorIndex.IndexKind.Ellipsis)
                {
                    ellipses++;
                }
                else if (ix.Kind != TensorIndex.IndexKind.NewAxis)
                {
                    consumed++;
                }
            }
            if (ellipses > 1)
            {
                throw new ArgumentException("Index: an index can only have a single ellipsis.");
            }
            if (consumed > Rank)
            {
                throw new ArgumentException($"Index: too many indices for tensor of dimension {Rank} (got {consumed}; shape {Shapes.Format(_shape)}).");
            }
            var result = this;
            int dim = 0; // the dim of `result` the next index applies to
            int sourceDim = 0; // the same dim counted in this tensor, which errors report (ints and NewAxis shift `dim`)
            foreach (var ix in indices)
            {
                switch (ix.Kind)
                {
                    case TensorIndex.IndexKind.Ellipsis:
                        dim += Rank - consumed;
                        sourceDim += Rank - consumed;
                        break;
                    case TensorIndex.IndexKind.NewAxis:
                        result = result.Unsqueeze(dim);
                        dim++;
                        break;
                    case TensorIndex.IndexKind.Single:
                    {
                        int size = result._shape[dim];
                        int i = ix.SingleIndex.IsFromEnd ? size - ix.SingleIndex.Value : ix.SingleIndex.Value;
                        if (i < 0 || i >= size)
                        {
                            string shown = ix.SingleIndex.IsFromEnd ? $"-{ix.SingleIndex.Value}" : ix.SingleIndex.Value.ToString();
                            throw new ArgumentOutOfRangeException(nameof(indices), $"Index: index {shown} is out of bounds for dimension {sourceDim} with size {size}.");
                        }
                        result = result.Select(dim, i);
                        sourceDim++;
                        break;
                    }
                    default:
                    {
                        int size = result._shape[dim];
                        int start = Math.Clamp(Resolve(ix.SliceRange.Start, size), 0, size);
                        int end = Math.Clamp(Resolve(ix.SliceRange.End, size), start, size);
                        if (start != 0 || end != size)
                        {
                            result = result.Narrow(dim, start, end - start);
                        }
                        dim++;
                        sourceDim++;
                        break;
                    }
                }
            }
            return result;
        }
    }

    private static int Resolve(Index index, int size) => index.IsFromEnd ? size - index.Value : index.Value;
}
