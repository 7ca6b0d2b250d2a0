namespace MiniTorch;

// Index tensors are Int64, as in PyTorch (gather and scatter refuse every other dtype with "Expected dtype int64 for
// index"). Every index is validated before any element is read.
public partial class Tensor
{
    /// <summary>
    /// Gathers values along <paramref name="dim"/>: out[i][j] = x[i][index[i][j]] for dim 1 (PyTorch's <c>gather</c>).
    /// <paramref name="index"/> is an Int64 tensor of this tensor's rank (other dtypes are refused, as PyTorch); the result
    /// has its shape. An index outside [0, size) is an error naming it, as PyTorch's (gather does not wrap negatives).
    /// </summary>
    public Tensor Gather(int dim, Tensor index)
    {
        int d = CheckScatterGather("Gather", dim, index, null);
        return GatherDefinition.Record(GatherValues("Gather", d, index), [this, index], d);
    }

    // The index is traced and saved (version-checked), and gets no gradient.
    private static readonly OpDefinition<int> GatherDefinition = new("Gather", "GatherBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(1)],
        Backward = static c => [Zeros(c.InputShape(0), c.Grad.DType).ScatterAdd(c.Args, c.Input(1), c.Grad)],
        Jvp = static c => c.Tangent(0)!.Gather(c.Args, c.Input(1)),
        Attributes = static dim => new OpAttributes { { "dim", dim } },
    };

    /// <summary>The gather's values, with no history; errors are reported under <paramref name="op"/> (IndexSelect reads through it).</summary>
    private Tensor GatherValues(string op, int d, Tensor index)
    {
        var r = Empty(index._shape.AsSpan().ToArray(), DType);
        var positions = ScatterGatherOffsets(op, d, index);
        switch (DType)
        {
            case DType.Float32: GatherCopy(Data<float>(), positions, r.ContiguousSpan<float>()); break;
            case DType.Float64: GatherCopy(Data<double>(), positions, r.ContiguousSpan<double>()); break;
            case DType.Int64: GatherCopy(Data<long>(), positions, r.ContiguousSpan<long>()); break;
            case DType.Int32: GatherCopy(Data<int>(), positions, r.ContiguousSpan<int>()); break;
            case DType.Bool: GatherCopy(Data<bool>(), positions, r.ContiguousSpan<bool>()); break;
            case DType.UInt8: GatherCopy(Data<byte>(), positions, r.ContiguousSpan<byte>()); break;
            case DType.Float16: GatherCopy(Data<Half>(), positions, r.ContiguousSpan<Half>()); break;
            default: GatherCopy(Data<BFloat16>(), positions, r.ContiguousSpan<BFloat16>()); break;
        }
        return r;
    }

    /// <summary>
    /// A copy of this tensor with <paramref name="source"/> added at the positions <paramref name="index"/> names along
    /// <paramref name="dim"/> (PyTorch's out-of-place <c>scatter_add</c>); repeated indices accumulate.
    /// </summary>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor source) => ScatterAddAs("ScatterAdd", dim, index, source);

    /// <summary>ScatterAdd, with errors reported under <paramref name="op"/> (IndexAdd is built on it).</summary>
    internal Tensor ScatterAddAs(string op, int dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Kernels.Elementwise.CheckSameDType(op, this, source);
        int d = CheckScatterGather(op, dim, index, source);
        var r = CloneRaw();
        var positions = r.ScatterGatherOffsets(op, d, index);
        var src = source.ContiguousRaw();
        switch (DType)
        {
            case DType.Float32: ScatterAccumulate(r.Data<float>(), positions, src); break;
            case DType.Float64: ScatterAccumulate(r.Data<double>(), positions, src); break;
            case DType.Int64: ScatterAccumulate(r.Data<long>(), positions, src); break; // integer sums wrap, as PyTorch's
            case DType.Int32: ScatterAccumulate(r.Data<int>(), positions, src); break;
            case DType.UInt8: ScatterAccumulate(r.Data<byte>(), positions, src); break;
            default: throw new NotSupportedException($"{op}: not implemented for {DType.TorchName()} in MiniTorch; convert with .To(DType.Float32) first.");
        }
        src.DisposeIfCopyOf(source);
        return ScatterAddDefinition.Record(r, [this, index, source], d);
    }

    private static readonly OpDefinition<int> ScatterAddDefinition = new("ScatterAdd", "ScatterAddBackward")
    {
        Differentiable = Operands.First | Operands.Third,
        Saves = [Save.Input(1)],
        Backward = static c => [c.NeedsGrad(0) ? c.Grad : null, c.NeedsGrad(2) ? c.Grad.Gather(c.Args, c.Input(1)) : null],
        // Linear in both the target and the source: scatter the source's tangent into the target's.
        Jvp = static c => c.Tangent(2) is { } ts ? c.TangentOrZeros(0).ScatterAdd(c.Args, c.Input(1), ts) : c.Tangent(0),
        Attributes = static dim => new OpAttributes { { "dim", dim } },
    };

    private int CheckScatterGather(string op, int dim, Tensor index, Tensor? source)
    {
        ArgumentNullException.ThrowIfNull(index);
        index.CheckIndexDType(op, AcceptsInt32Index(op));
        int d = Shapes.NormalizeDim(op, dim, Rank);
        if (index.Rank != Rank)
        {
            throw new ArgumentException($"{op}: index tensor must have the same number of dimensions as input tensor (index shape {Shapes.Format(index._shape)}, input shape {Shapes.Format(_shape)}).");
        }
        for (int i = 0; i < Rank; i++)
        {
            if (i != d && index._shape[i] > _shape[i])
            {
                throw new ArgumentException($"{op}: size does not match at dimension {i}: index shape {Shapes.Format(index._shape)} is larger than input shape {Shapes.Format(_shape)} apart from dimension {d}.");
            }
            if (source is not null && index._shape[i] > source._shape[i])
            {
                throw new ArgumentException($"{op}: index shape {Shapes.Format(index._shape)} is larger than source shape {Shapes.Format(source._shape)} at dimension {i}.");
            }
        }
        if (source is not null && !Shapes.SameShape(index._shape, source._shape))
        {
            throw new ArgumentException($"{op}: MiniTorch requires index and source of the same shape (index {Shapes.Format(index._shape)}, source {Shapes.Format(source._shape)}).");
        }
        return d;
    }

    /// <summary>For every element of <paramref name="index"/> (row-major), the storage offset of the element of this tensor it names.</summary>
    private int[] ScatterGatherOffsets(string op, int dim, Tensor index)
    {
        int count = index.Numel;
        var positions = new int[count];
        if (count == 0)
        {
            return positions;
        }
        // A scratch copy from ArrayPool: read once here, so a gather per training step allocates no copy of the index.
        var values = index.RentIndices(op, AcceptsInt32Index(op));
        int rank = Rank;
        var counter = new int[rank];
        int size = rank == 0 ? 1 : _shape[dim];
        for (int n = 0; n < count; n++)
        {
            int i = ToIndex(op, values[n], size, dim);
            int offset = Offset;
            for (int k = 0; k < rank; k++)
            {
                offset += (k == dim ? i : counter[k]) * _strides[k];
            }
            positions[n] = offset;
            for (int k = rank - 1; k >= 0; k--)
            {
                if (++counter[k] < index._shape[k])
                {
                    break;
                }
                counter[k] = 0;
            }
        }
        // Not returned when an index is invalid and ToIndex throws: ArrayPool tolerates that, the GC takes the array.
        System.Buffers.ArrayPool<long>.Shared.Return(values);
        return positions;
    }

    /// <summary>Whether PyTorch's form of <paramref name="op"/> takes Int32 indices besides Int64 (index_select and index_add do; gather and scatter do not).</summary>
    private static bool AcceptsInt32Index(string op) => op is "IndexSelect" or "IndexAdd";

    /// <summary><paramref name="value"/> checked against [0, <paramref name="size"/>): gather, scatter and index_select do not wrap negatives (PyTorch's rule).</summary>
    internal static int ToIndex(string op, long value, int size, int dim)
    {
        if (value < 0 || value >= size)
        {
            throw new ArgumentException($"{op}: index {value} is out of bounds for dimension {dim} with size {size}.");
        }
        return (int)value;
    }

    private static void GatherCopy<T>(T[] src, int[] positions, Span<T> dst)
    {
        for (int i = 0; i < positions.Length; i++)
        {
            dst[i] = src[positions[i]];
        }
    }

    private static void ScatterAccumulate<T>(T[] dst, int[] positions, Tensor source) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        // source has index's shape (checked), and is contiguous here, so element n pairs with positions[n].
        var src = source.ContiguousSpan<T>();
        for (int n = 0; n < positions.Length; n++)
        {
            dst[positions[n]] = unchecked(dst[positions[n]] + src[n]);
        }
    }
}
