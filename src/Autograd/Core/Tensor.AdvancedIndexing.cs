using System.Buffers;

namespace MiniTorch;

// PyTorch's advanced indexing with one tensor entry, read (x[idx], x[mask]) and written (x[idx] = v, x[mask] = v).
// Reading is IndexSelect over the indexed dim (a mask first merges its dims into one and selects the true positions),
// so the gradient is IndexSelect's; writing is IndexPutInPlace.
public partial class Tensor
{
    /// <summary>
    /// The elements where <paramref name="mask"/> (Bool, the shape of this tensor's leading dims) is true, as a 1-D
    /// tensor when the mask covers every dim (PyTorch's <c>masked_select</c> for a same-shape mask, and <c>x[mask]</c>).
    /// Differentiable.
    /// </summary>
    public Tensor MaskedSelect(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.DType != DType.Bool)
        {
            throw new ArgumentException($"MaskedSelect: expected a Bool mask, got {mask.DType.TorchName()} (PyTorch: masked_select: expected BoolTensor for mask).");
        }
        var shape = Shapes.Broadcast("MaskedSelect", _shape, mask._shape);
        var self = Shapes.SameShape(shape, _shape) ? this : Expand(shape);
        var m = Shapes.SameShape(shape, mask._shape) ? mask : mask.ExpandRaw(shape);
        return self.AdvancedIndex(m, 0, 0);
    }

    /// <summary>The result of the tensor entry <paramref name="index"/> applied at <paramref name="dim"/> of this tensor (<paramref name="sourceDim"/> in the tensor the user indexed, for errors).</summary>
    private Tensor AdvancedIndex(Tensor index, int dim, int sourceDim)
    {
        if (index.DType == DType.Bool)
        {
            int k = index.Rank;
            long count = 1;
            for (int j = 0; j < k; j++)
            {
                if (index._shape[j] != _shape[dim + j])
                {
                    // PyTorch's words.
                    throw new ArgumentException($"Index: The shape of the mask {Shapes.Format(index._shape)} at index {j} does not match the shape of the indexed tensor {Shapes.Format(_shape)} at index {sourceDim + j}.");
                }
                count *= index._shape[j];
            }
            var flags = index.MaskArray("Index");
            var positions = TruePositions(flags);
            int[] merged = [.. _shape[..dim], (int)count, .. _shape[(dim + k)..]];
            return Reshape(merged).IndexSelect(dim, Wrap(positions, [positions.Length]));
        }
        if (index.DType != DType.Int64)
        {
            // PyTorch's words: advanced indexing takes long, byte or bool tensors (MiniTorch: Int64 or Bool).
            throw new ArgumentException($"Index: tensors used as indices must be long or bool tensors, got {index.DType.TorchName()}. Build indices with Tensor.FromArray(long[]) or convert with .To(DType.Int64).");
        }
        var values = index.IndexArray("Index");
        int size = _shape[dim];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = WrapIndex("Index", values[i], size, sourceDim);
        }
        var selected = IndexSelect(dim, Wrap(values, [values.Length]));
        return selected.Reshape([.. _shape[..dim], .. index._shape, .. _shape[(dim + 1)..]]);
    }

    /// <summary>The row-major positions of the true flags, as Int64.</summary>
    private static long[] TruePositions(bool[] flags)
    {
        int n = 0;
        foreach (bool f in flags)
        {
            n += f ? 1 : 0;
        }
        var positions = new long[n];
        int p = 0;
        for (int i = 0; i < flags.Length; i++)
        {
            if (flags[i])
            {
                positions[p++] = i;
            }
        }
        return positions;
    }

    /// <summary>
    /// Writes <paramref name="value"/> through a single tensor entry: <c>x[idx] = v</c> (Int64 indices along dim 0, value
    /// broadcast to idx.shape + the remaining dims) or <c>x[mask] = v</c> (Bool mask over the leading dims, value
    /// broadcast to [true count] + the remaining dims), as PyTorch's <c>index_put_</c>.
    /// </summary>
    private void AdvancedAssign(TensorIndex[] indices, Tensor value)
    {
        if (indices.Length != 1)
        {
            throw new NotSupportedException("IndexPut: MiniTorch assigns through a tensor entry only when it is the whole index (x[idx] = v, x[mask] = v); for other forms use IndexPutInPlace or IndexCopyInPlace.");
        }
        var index = indices[0].IndexTensor!;
        var v = value.DType == DType ? value : value.To(DType);
        if (index.DType == DType.Bool)
        {
            int k = index.Rank;
            if (k > Rank)
            {
                throw new ArgumentException($"IndexPut: too many indices for tensor of dimension {Rank}: a mask of shape {Shapes.Format(index._shape)} for a tensor of shape {Shapes.Format(_shape)}.");
            }
            for (int j = 0; j < k; j++)
            {
                if (index._shape[j] != _shape[j])
                {
                    throw new ArgumentException($"IndexPut: The shape of the mask {Shapes.Format(index._shape)} at index {j} does not match the shape of the indexed tensor {Shapes.Format(_shape)} at index {j}.");
                }
            }
            var coordinates = MaskCoordinates(index);
            if (coordinates.Length == 0)
            {
                return; // nothing selected, nothing written (PyTorch's too)
            }
            IndexPutInPlace(coordinates, DropLeadingOnes(v, 1 + Rank - k));
            return;
        }
        if (index.DType != DType.Int64)
        {
            throw new ArgumentException($"IndexPut: tensors used as indices must be long or bool tensors, got {index.DType.TorchName()}. Build indices with Tensor.FromArray(long[]) or convert with .To(DType.Int64).");
        }
        int[] rest = _shape[1..];
        int[] target = [.. index._shape, .. rest];
        if (!BroadcastsTo(v._shape, target))
        {
            throw new ArgumentException($"IndexPut: shape mismatch: value tensor of shape {Shapes.Format(v._shape)} cannot be broadcast to indexing result of shape {Shapes.Format(target)}.");
        }
        var flat = index.Rank == 1 ? index : Wrap(index.IndexArray("IndexPut"), [index.Numel]);
        IndexPutInPlace([flat], DropLeadingOnes(v, target.Length).Expand(target).Reshape([index.Numel, .. rest]));
    }

    /// <summary><paramref name="value"/> without the leading size-1 dims beyond <paramref name="rank"/> (PyTorch drops them when assigning).</summary>
    private static Tensor DropLeadingOnes(Tensor value, int rank) =>
        value.Rank > rank ? value.Reshape(value._shape[(value.Rank - rank)..]) : value;

    /// <summary>One Int64 coordinate tensor per mask dim, listing the true positions (the columns of the mask's <see cref="Nonzero"/>).</summary>
    private static Tensor[] MaskCoordinates(Tensor mask)
    {
        var flags = mask.MaskArray("IndexPut");
        var positions = TruePositions(flags);
        if (positions.Length == 0)
        {
            return [];
        }
        int k = Math.Max(mask.Rank, 1);
        var columns = new Tensor[k];
        var strides = Shapes.ContiguousStrides(mask._shape);
        for (int j = 0; j < k; j++)
        {
            var column = new long[positions.Length];
            for (int i = 0; i < positions.Length; i++)
            {
                column[i] = mask.Rank == 0 ? 0 : positions[i] / strides[j] % mask._shape[j];
            }
            columns[j] = Wrap(column, [column.Length]);
        }
        return columns;
    }

    /// <summary>
    /// The indices of the non-zero elements, an Int64 tensor of shape [count, rank] in row-major order (PyTorch's
    /// <c>nonzero</c>; NaN counts as non-zero, −0.0 as zero). Any dtype; no gradient.
    /// </summary>
    public Tensor Nonzero()
    {
        var flags = NonzeroFlags();
        var positions = TruePositions(flags);
        int rank = Rank;
        var result = new long[positions.Length * rank];
        var strides = Shapes.ContiguousStrides(_shape);
        for (int i = 0; i < positions.Length; i++)
        {
            for (int j = 0; j < rank; j++)
            {
                result[i * rank + j] = positions[i] / strides[j] % _shape[j];
            }
        }
        return NonzeroDefinition.Record(Wrap(result, [positions.Length, rank]), [this]);
    }

    // Traced only: the result is an index.
    private static readonly OpDefinition<NoArgs> NonzeroDefinition = new("Nonzero");

    /// <summary>Whether each element (row-major) is non-zero, whatever the dtype.</summary>
    internal bool[] NonzeroFlags()
    {
        var flags = new bool[Numel];
        switch (DType)
        {
            case DType.Float32: FlagNonzero<float>(flags); break;
            case DType.Float64: FlagNonzero<double>(flags); break;
            case DType.Int64: FlagNonzero<long>(flags); break;
            case DType.Int32: FlagNonzero<int>(flags); break;
            case DType.Bool: ReadRowMajor(Data<bool>(), flags); break;
            case DType.UInt8: FlagNonzero<byte>(flags); break;
            case DType.Float16: FlagNonzero<Half>(flags); break;
            default:
                var values = ArrayPool<BFloat16>.Shared.Rent(Math.Max(Numel, 1));
                ReadRowMajor(Data<BFloat16>(), values);
                for (int i = 0; i < flags.Length; i++)
                {
                    flags[i] = (float)values[i] != 0;
                }
                ArrayPool<BFloat16>.Shared.Return(values);
                break;
        }
        return flags;
    }

    private void FlagNonzero<T>(bool[] flags) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        var values = ArrayPool<T>.Shared.Rent(Math.Max(Numel, 1));
        ReadRowMajor(Data<T>(), values);
        for (int i = 0; i < flags.Length; i++)
        {
            flags[i] = !T.IsZero(values[i]);
        }
        ArrayPool<T>.Shared.Return(values);
    }
}
