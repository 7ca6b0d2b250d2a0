namespace MiniTorch;

/// <summary>
/// One entry of a tensor index: an int (selects and removes the dim), a range (a slice, clamped to the
/// dim as Python slicing is), <see cref="Ellipsis"/> (all remaining dims) or <see cref="NewAxis"/> (inserts a dim).
/// Ints, <see cref="Index"/> (<c>^1</c>) and <see cref="Range"/> (<c>1..^1</c>) convert implicitly: <c>x[0, 1..3]</c>.
/// </summary>
public readonly struct TensorIndex
{
    internal enum IndexKind
    {
        Single,
        Slice,
        Ellipsis,
        NewAxis,
        Tensor,
    }

    private TensorIndex(IndexKind kind, Index single, Range slice, Tensor? tensor = null)
    {
        Kind = kind;
        SingleIndex = single;
        SliceRange = slice;
        IndexTensor = tensor;
    }

    /// <summary>The Int64 indices or Bool mask of a tensor entry.</summary>
    internal Tensor? IndexTensor { get; }

    /// <summary>How many dims of the indexed tensor this entry consumes (a mask consumes one per mask dim).</summary>
    internal int Consumes => Kind switch
    {
        IndexKind.Ellipsis or IndexKind.NewAxis => 0,
        IndexKind.Tensor when IndexTensor!.DType == DType.Bool => IndexTensor.Rank,
        _ => 1,
    };

    internal IndexKind Kind { get; }

    internal Index SingleIndex { get; }

    internal Range SliceRange { get; }

    /// <summary>Stands for as many full slices as needed (Python's <c>...</c>).</summary>
    public static TensorIndex Ellipsis { get; } = new(IndexKind.Ellipsis, default, default);

    /// <summary>Inserts a new size-1 dimension (Python's <c>None</c>).</summary>
    public static TensorIndex NewAxis { get; } = new(IndexKind.NewAxis, default, default);

    /// <summary>A full slice of one dimension (Python's <c>:</c>).</summary>
    public static TensorIndex All { get; } = new(IndexKind.Slice, default, Range.All);

    /// <summary>Selects one position; negative ints count from the end.</summary>
    public static implicit operator TensorIndex(int index) =>
        new(IndexKind.Single, index < 0 ? Index.FromEnd(-index) : Index.FromStart(index), default);

    /// <summary>Selects one position counted from the start or the end.</summary>
    public static implicit operator TensorIndex(Index index) => new(IndexKind.Single, index, default);

    /// <summary>A slice.</summary>
    public static implicit operator TensorIndex(Range range) => new(IndexKind.Slice, default, range);

    /// <summary>
    /// An Int64 index tensor (its shape replaces the dim it indexes; negative indices count from the end) or a Bool mask
    /// (its dims must match the next dims of the indexed tensor; they are replaced by one dim of the selected elements),
    /// as PyTorch's advanced indexing. Other dtypes are refused when the index is applied, as PyTorch does.
    /// </summary>
    public static implicit operator TensorIndex(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new(IndexKind.Tensor, default, default, tensor);
    }

    /// <summary>The same as the implicit conversion from a tensor (for languages without implicit conversions).</summary>
    public static TensorIndex FromTensor(Tensor tensor) => tensor;
}
