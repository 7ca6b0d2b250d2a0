namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// Basic indexing as in PyTorch, always a view: <c>x[0]</c>, <c>x[.., 1]</c>, <c>x[1..3, ^1]</c>,
    /// <c>x[TensorIndex.Ellipsis, 0]</c>. Ints remove their dimension; ranges keep it. Assigning (<c>x[1.., 0] = v</c>,
    /// PyTorch's <c>__setitem__</c>) writes <c>v</c>, broadcast to the indexed shape, in place; with autograd it is an
    /// in-place op on the graph: the gradient reaches both the old value (zero in the window) and <c>v</c>.
    /// One entry may be a tensor (PyTorch's advanced indexing, a copy rather than a view): an Int64 tensor of indices,
    /// whose shape replaces the dim it indexes (<c>x[idx]</c>, <c>x[.., idx]</c>; negative indices wrap, out-of-range
    /// ones are an error naming the index, dim and size), or a Bool mask over the next dims (<c>x[mask]</c>, whose
    /// shape must match those dims). Reading is differentiable; <c>x[idx] = v</c> and <c>x[mask] = v</c> (tensor entry
    /// first, no other entries) write through <see cref="IndexPutInPlace"/>.
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
            int tensors = 0;
            foreach (var ix in indices)
            {
                if (ix.Kind == TensorIndex.IndexKind.Ellipsis)
                {
                    ellipses++;
                }
                tensors += ix.Kind == TensorIndex.IndexKind.Tensor ? 1 : 0;
                consumed += ix.Consumes;
            }
            if (tensors > 1)
            {
                throw new NotSupportedException("Index: MiniTorch supports one tensor entry per index (x[idx], x[.., mask]); for several index tensors use IndexPut or Gather.");
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
            Tensor? advanced = null;
            int advancedDim = 0; // the dim of `result` where the tensor entry applies
            int advancedSourceDim = 0;
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
                    case TensorIndex.IndexKind.Tensor:
                        advanced = ix.IndexTensor;
                        advancedDim = dim;
                        advancedSourceDim = sourceDim;
                        dim += ix.Consumes;
                        sourceDim += ix.Consumes;
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
            return advanced is null ? result : result.AdvancedIndex(advanced, advancedDim, advancedSourceDim);
        }
    }

    private static int Resolve(Index index, int size) => index.IsFromEnd ? size - index.Value : index.Value;
}
