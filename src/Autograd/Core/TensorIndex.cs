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
    }

    private TensorIndex(IndexKind kind, Index single, Range slice)
    {
        Kind = kind;
        SingleIndex = single;
        SliceRange = slice;
    }

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
}
