namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// The slices at <paramref name="index"/> (a 1-D or 0-d Int64 or Int32 tensor, the dtypes PyTorch accepts; others are
    /// refused) along <paramref name="dim"/>, as a new tensor (PyTorch's <c>index_select</c>). Indices must lie in
    /// [0, size): negative ones are an error, as in PyTorch.
    /// </summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        int d = Shapes.NormalizeDim("IndexSelect", dim, Rank);
        return IndexSelectDefinition.Record(IndexSelectValues(d, index), [this, index], d);
    }

    // The index is traced and saved (version-checked); the gradient adds each selected slice back at its index.
    private static readonly OpDefinition<int> IndexSelectDefinition = new("IndexSelect", "IndexSelectBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(1)],
        Backward = static c => [Zeros(c.InputShape(0), c.Grad.DType).IndexAdd(c.Args, c.Input(1), c.Grad)],
        Jvp = static c => c.Tangent(0)!.IndexSelect(c.Args, c.Input(1)),
        Attributes = static dim => new OpAttributes { { "dim", dim } },
    };

    /// <summary>The selected slices, with no history.</summary>
    private Tensor IndexSelectValues(int d, Tensor index)
    {
        var spread = SpreadIndex("IndexSelect", d, index);
        if (d != 0 || Rank == 0)
        {
            CheckScatterGather("IndexSelect", d, spread, null);
            return GatherValues("IndexSelect", d, spread);
        }
        // Rows (dim 0) are whole blocks: copy them directly rather than element by element through Gather.
        // This is the batching path of data loaders and embedding lookups.
        var values = index.IndexArray("IndexSelect", allowInt32: true);
        var rows = new int[values.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = ToIndex("IndexSelect", values[i], _shape[0], 0);
        }
        return CopyRows(rows);
    }

    /// <summary>A new tensor holding rows <paramref name="rows"/> (already validated) of this tensor, in that order.</summary>
    private Tensor CopyRows(int[] rows)
    {
        var shape = _shape.AsSpan().ToArray();
        shape[0] = rows.Length;
        var r = Empty(shape, DType);
        int rowSize = _shape[0] == 0 ? 0 : Numel / _shape[0];
        var rowShape = _shape[1..];
        var rowStrides = _strides[1..];
        for (int i = 0; i < rows.Length; i++)
        {
            int source = Offset + rows[i] * _strides[0];
            if (IsContiguous)
            {
                CopyRow(r, source, i * rowSize, rowSize);
            }
            else
            {
                // Row views disposed at once, so neither storage stays counted (and out of the pool) after the copy.
                using var from = new Tensor(Storage, rowShape, rowStrides, source);
                using var to = new Tensor(r.Storage, rowShape, r._strides[1..], i * rowSize);
                Kernels.StridedCopy.Copy(from, to);
            }
        }
        return r;
    }

    /// <summary>Copies <paramref name="length"/> elements of this contiguous tensor's storage from <paramref name="from"/> to <paramref name="to"/> of <paramref name="target"/>'s, whatever the dtype.</summary>
    private void CopyRow(Tensor target, int from, int to, int length)
    {
        switch (DType)
        {
            case DType.Float32: Data<float>().AsSpan(from, length).CopyTo(target.Data<float>().AsSpan(to, length)); break;
            case DType.Float64: Data<double>().AsSpan(from, length).CopyTo(target.Data<double>().AsSpan(to, length)); break;
            case DType.Int64: Data<long>().AsSpan(from, length).CopyTo(target.Data<long>().AsSpan(to, length)); break;
            case DType.Int32: Data<int>().AsSpan(from, length).CopyTo(target.Data<int>().AsSpan(to, length)); break;
            case DType.Bool: Data<bool>().AsSpan(from, length).CopyTo(target.Data<bool>().AsSpan(to, length)); break;
            case DType.UInt8: Data<byte>().AsSpan(from, length).CopyTo(target.Data<byte>().AsSpan(to, length)); break;
            case DType.Float16: Data<Half>().AsSpan(from, length).CopyTo(target.Data<Half>().AsSpan(to, length)); break;
            default: Data<BFloat16>().AsSpan(from, length).CopyTo(target.Data<BFloat16>().AsSpan(to, length)); break;
        }
    }

    /// <summary>The slices at the given positions along <paramref name="dim"/>.</summary>
    public Tensor IndexSelect(int dim, params int[] index) => IndexSelect(dim, IndexTensor(index));

    /// <summary>A copy of this tensor with <paramref name="source"/>'s slices added at <paramref name="index"/> (1-D Int64 or Int32, as PyTorch) along <paramref name="dim"/> (PyTorch's out-of-place <c>index_add</c>).</summary>
    public Tensor IndexAdd(int dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(index);
        index.CheckIndexDType("IndexAdd", allowInt32: true);
        int d = Shapes.NormalizeDim("IndexAdd", dim, Rank);
        var spread = SpreadIndex("IndexAdd", d, index);
        if (!Shapes.SameShape(source._shape, spread._shape))
        {
            throw new ArgumentException($"IndexAdd: source shape {Shapes.Format(source._shape)} must be {Shapes.Format(spread._shape)} for input {Shapes.Format(_shape)} with {index.Numel} indices along dim {d}.");
        }
        // Recorded by the ScatterAdd it is computed with; traced as itself.
        return IndexAddDefinition.Record(ScatterAddAs("IndexAdd", d, spread, source), [this, index, source], d);
    }

    private static readonly OpDefinition<int> IndexAddDefinition = new("IndexAdd")
    {
        Attributes = static dim => new OpAttributes { { "dim", dim } },
    };

    /// <summary>A 1-D Int64 tensor of the given indices, the dtype PyTorch's index arguments take (every int is exact).</summary>
    public static Tensor IndexTensor(params int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var values = new long[indices.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = indices[i];
        }
        return Wrap(values, [indices.Length]);
    }

    /// <summary>A 1-D index along <paramref name="dim"/> broadcast to an index of this tensor's rank, as Gather/ScatterAdd take.</summary>
    private Tensor SpreadIndex(string op, int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        index.CheckIndexDType(op, allowInt32: op != "IndexCopy");
        if (index.Rank > 1)
        {
            throw new ArgumentException($"{op}: index must be a 1-D tensor (or a scalar), got shape {Shapes.Format(index._shape)}.");
        }
        if (Rank == 0)
        {
            if (index.Numel != 1)
            {
                throw new ArgumentException($"{op}: an index into a 0-d tensor can have only 1 value, got {index.Numel} (index shape {Shapes.Format(index._shape)}).");
            }
            return index.Reshape();
        }
        var viewShape = new int[Rank];
        Array.Fill(viewShape, 1);
        viewShape[dim] = index.Numel;
        var target = _shape.AsSpan().ToArray();
        target[dim] = index.Numel;
        return index.Detach().Reshape(viewShape).Expand(target);
    }
}
