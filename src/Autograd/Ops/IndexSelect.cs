namespace MiniTorch;

public partial class Tensor
{
    /// <summary>The slices at <paramref name="index"/> (a 1-D tensor of whole numbers) along <paramref name="dim"/>, as a new tensor (PyTorch's <c>index_select</c>).</summary>
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
        var values = index.ToDoubleArray();
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
        var shape = (int[])_shape.Clone();
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
                if (DType == DType.Float32)
                {
                    Data<float>().AsSpan(source, rowSize).CopyTo(r.Data<float>().AsSpan(i * rowSize, rowSize));
                }
                else
                {
                    Data<double>().AsSpan(source, rowSize).CopyTo(r.Data<double>().AsSpan(i * rowSize, rowSize));
                }
            }
            else
            {
                Kernels.StridedCopy.Copy(new Tensor(Storage, rowShape, rowStrides, source), new Tensor(r.Storage, rowShape, r._strides[1..], i * rowSize));
            }
        }
        return r;
    }

    /// <summary>The slices at the given positions along <paramref name="dim"/>.</summary>
    public Tensor IndexSelect(int dim, params int[] index) => IndexSelect(dim, IndexTensor(index));

    /// <summary>A copy of this tensor with <paramref name="source"/>'s slices added at <paramref name="index"/> along <paramref name="dim"/> (PyTorch's out-of-place <c>index_add</c>).</summary>
    public Tensor IndexAdd(int dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
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

    /// <summary>A float tensor of whole-number indices, the form index arguments take.</summary>
    public static Tensor IndexTensor(params int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return Wrap(Array.ConvertAll(indices, i => (float)i), [indices.Length]);
    }

    /// <summary>A 1-D index along <paramref name="dim"/> broadcast to an index of this tensor's rank, as Gather/ScatterAdd take.</summary>
    private Tensor SpreadIndex(string op, int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
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
        var target = (int[])_shape.Clone();
        target[dim] = index.Numel;
        return index.Detach().Reshape(viewShape).Expand(target);
    }
}
