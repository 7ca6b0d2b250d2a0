namespace MiniTorch.Data;

/// <summary>
/// A contiguous row-major copy of a tensor's elements, from which batches are gathered row by row with block
/// copies. The core keeps tensor storage internal, so the data layer reads it once through <c>ToArray</c>
/// and remembers the storage version it copied.
/// </summary>
internal abstract class RowSource
{
    protected RowSource(Tensor tensor)
    {
        Version = tensor.Version;
        var shape = tensor.Shape;
        RowShape = shape[1..];
        int rowSize = 1;
        foreach (int d in RowShape)
        {
            rowSize *= d;
        }
        RowSize = rowSize;
    }

    /// <summary>The storage version of the tensor when it was copied.</summary>
    public int Version { get; }

    /// <summary>The shape of one row (the tensor's shape without its first dimension).</summary>
    protected int[] RowShape { get; }

    /// <summary>The number of elements in one row.</summary>
    protected int RowSize { get; }

    public static RowSource Create(Tensor tensor) => tensor.DType == DType.Float32
        ? new RowSource<float>(tensor, tensor.ToArray<float>())
        : new RowSource<double>(tensor, tensor.ToArray<double>());

    /// <summary>A new tensor of shape [indices.Length, …row shape] holding the rows at <paramref name="indices"/>.</summary>
    public abstract Tensor Gather(ReadOnlySpan<int> indices);

    protected int[] BatchShape(int batchSize)
    {
        var shape = new int[RowShape.Length + 1];
        shape[0] = batchSize;
        RowShape.CopyTo(shape, 1);
        return shape;
    }
}

/// <summary>A <see cref="RowSource"/> of one element type.</summary>
internal sealed class RowSource<T> : RowSource where T : unmanaged
{
    private readonly T[] _data;

    public RowSource(Tensor tensor, T[] data) : base(tensor) => _data = data;

    public override Tensor Gather(ReadOnlySpan<int> indices)
    {
        int rowSize = RowSize;
        var buffer = new T[indices.Length * rowSize];
        var source = _data.AsSpan();
        var target = buffer.AsSpan();
        for (int i = 0; i < indices.Length; i++)
        {
            source.Slice(indices[i] * rowSize, rowSize).CopyTo(target.Slice(i * rowSize, rowSize));
        }
        // FromArray copies the buffer once more: the core offers no public way to adopt an array.
        return typeof(T) == typeof(float)
            ? Tensor.FromArray((float[])(object)buffer, BatchShape(indices.Length))
            : Tensor.FromArray((double[])(object)buffer, BatchShape(indices.Length));
    }
}
