using System.Runtime.CompilerServices;

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

    // Buffers up to this size are kept for reuse; a larger batch is rare (evaluation in one batch) and its
    // copying outweighs one allocation, so it is not worth holding on to.
    private const int MaxScratchBytes = 4 << 20;

    // One batch-sized buffer per thread, reused while the batch size stays the same (every batch but the last).
    [ThreadStatic]
    private static T[]? t_scratch;

    public override Tensor Gather(ReadOnlySpan<int> indices)
    {
        int rowSize = RowSize;
        int length = indices.Length * rowSize;
        // The rows are gathered into a reused buffer that FromArray then copies: the core offers no public way
        // to adopt an array, and FromArray needs one of the exact length, so a pooled (larger) array will not do.
        // A fresh buffer per batch would cost a second allocation, on the large-object heap for image batches.
        var buffer = t_scratch is { } scratch && scratch.Length == length ? scratch : GC.AllocateUninitializedArray<T>(length);
        if ((long)length * Unsafe.SizeOf<T>() <= MaxScratchBytes)
        {
            t_scratch = buffer;
        }
        var source = _data.AsSpan();
        var target = buffer.AsSpan();
        for (int i = 0; i < indices.Length; i++)
        {
            source.Slice(indices[i] * rowSize, rowSize).CopyTo(target.Slice(i * rowSize, rowSize));
        }
        return typeof(T) == typeof(float)
            ? Tensor.FromArray((float[])(object)buffer, BatchShape(indices.Length))
            : Tensor.FromArray((double[])(object)buffer, BatchShape(indices.Length));
    }
}
