using System.Numerics;

namespace MiniTorch;

/// <summary>
/// An n-dimensional array of float32 or float64 with PyTorch's semantics: a view (shape, strides,
/// offset) over storage that views share, broadcasting in binary ops, and reverse-mode autograd.
/// </summary>
/// <remarks>
/// A tensor records how it was computed (<see cref="GradFn"/>) when grad mode is on and any input
/// requires grad; <see cref="Backward"/> then fills <see cref="Grad"/> of the leaves.
/// </remarks>
public partial class Tensor : IDisposable
{
    internal readonly Storage Storage;
    private readonly int[] _shape;
    private readonly int[] _strides;
    internal readonly int Offset;

    internal Tensor(Storage storage, int[] shape, int[] strides, int offset)
    {
        Storage = storage;
        _shape = shape;
        _strides = strides;
        Offset = offset;
        Numel = Shapes.Numel(shape);
        IsContiguous = Shapes.IsContiguous(shape, strides);
        storage.AddView(this);
        TensorScope.Current?.Own(this);
    }

    internal Tensor(Storage storage, int[] shape) : this(storage, shape, Shapes.ContiguousStrides(shape), 0)
    {
    }

    /// <summary>
    /// Creates a tensor that aliases <paramref name="data"/>: the same storage (so the same elements and version
    /// counter), shape, strides and offset, but no history and <see cref="RequiresGrad"/> false. This lets a
    /// subclass such as <c>MiniTorch.NN.Parameter</c> wrap an existing tensor without copying it, as PyTorch's
    /// <c>nn.Parameter(data)</c> does.
    /// </summary>
    /// <remarks>
    /// The new tensor belongs to no <see cref="TensorScope"/>, even when made inside one: it is long-lived state (a
    /// parameter), and its storage stays valid however the scope disposes <paramref name="data"/>.
    /// </remarks>
    /// <param name="data">The tensor whose elements the new tensor shares.</param>
    protected Tensor(Tensor data) : this(NotNull(data).Storage, data._shape.AsSpan().ToArray(), data._strides.AsSpan().ToArray(), data.Offset)
    {
        DetachFromScope();
    }

    private static Tensor NotNull(Tensor data) => data ?? throw new ArgumentNullException(nameof(data), "Tensor: the tensor to alias is null.");

    /// <summary>The element type.</summary>
    public DType DType => Storage.DType;

    /// <summary>The size of each dimension (a copy; the tensor is not changed through it).</summary>
    // Shapes are copied with AsSpan().ToArray() throughout, not Array.Clone: Clone takes the runtime's general object
    // copy, ~115 ns for a 3-int shape against ~15 ns, and every view op copies one or two.
    public int[] Shape => _shape.AsSpan().ToArray();

    /// <summary>The step in elements between neighbours along each dimension.</summary>
    public int[] Strides => _strides.AsSpan().ToArray();

    /// <summary>The number of dimensions (0 for a scalar tensor).</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of dimensions, PyTorch's name for <see cref="Rank"/>.</summary>
    public int Dim => _shape.Length;

    /// <summary>The number of elements.</summary>
    public int Numel { get; }

    /// <summary>Whether the elements lie in row-major order with no gaps, starting at the storage offset.</summary>
    public bool IsContiguous { get; }

    /// <summary>The index of the first element within the shared storage (PyTorch's <c>storage_offset()</c>).</summary>
    public int StorageOffset => Offset;

    /// <summary>The version counter of the storage, bumped by every in-place op (PyTorch's <c>_version</c>).</summary>
    public int Version => Storage.Version;

    /// <summary>The size of one dimension; negative dims count from the end.</summary>
    public int Size(int dim) => _shape[Shapes.NormalizeDim("Size", dim, Rank)];

    internal ReadOnlySpan<int> ShapeSpan => _shape;

    internal int[] ShapeArray => _shape;

    internal int[] StridesArray => _strides;

    internal T[] Data<T>() where T : unmanaged
    {
        ThrowIfDisposed();
        if (Storage is Storage<T> typed)
        {
            return typed.Data;
        }
        // The backstop of the dtype guard (DTypeCheck): an op that reads a dtype it has no kernel for fails with the
        // dtype named, never with an InvalidCastException from inside.
        throw new NotSupportedException(
            $"not implemented for '{DType.ScalarTypeName()}': this operation computes on {ElementTypeName(DTypeExtensions.DTypeOf<T>())} elements but the tensor " +
            $"({Shapes.Format(_shape)}) is {DType}. Convert it first, e.g. with To(DType.Float32).");
    }

    /// <summary>The elements as a span; only valid for contiguous tensors.</summary>
    internal Span<T> ContiguousSpan<T>() where T : unmanaged => Data<T>().AsSpan(Offset, Numel);

    /// <summary>Whether another tensor views the same storage.</summary>
    internal bool SharesStorageWith(Tensor other) => ReferenceEquals(Storage, other.Storage);

    /// <summary>
    /// A new uninitialised contiguous tensor; every element must be written before it is read. The array may come
    /// from <see cref="BufferPool"/> and then holds a previous tensor's values, so the contract is strict.
    /// </summary>
    internal static Tensor Empty(int[] shape, DType dtype)
    {
        int n = Shapes.Numel(shape);
        Storage storage = dtype switch
        {
            DType.Float32 => Storage<float>.Rent(n),
            DType.Float64 => Storage<double>.Rent(n),
            DType.Int64 => Storage<long>.Rent(n),
            DType.Int32 => Storage<int>.Rent(n),
            DType.Bool => Storage<bool>.Rent(n),
            DType.UInt8 => Storage<byte>.Rent(n),
            DType.Float16 => Storage<Half>.Rent(n),
            DType.BFloat16 => Storage<BFloat16>.Rent(n),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Empty: {(int)dtype} is not a MiniTorch dtype."),
        };
        return new Tensor(storage, shape);
    }

    /// <summary>A tensor over <paramref name="data"/> without copying it.</summary>
    internal static Tensor Wrap<T>(T[] data, int[] shape) where T : unmanaged => new(new Storage<T>(data), shape);

    internal int ElementOffset(string op, ReadOnlySpan<int> index)
    {
        if (index.Length != Rank)
        {
            throw new ArgumentException($"{op}: expected {Rank} indices for a tensor of shape {Shapes.Format(_shape)}, got {index.Length}.");
        }
        int offset = Offset;
        for (int d = 0; d < index.Length; d++)
        {
            int i = index[d] < 0 ? index[d] + _shape[d] : index[d];
            if ((uint)i >= (uint)_shape[d])
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"{op}: index {index[d]} is out of bounds for dimension {d} with size {_shape[d]}.");
            }
            offset += i * _strides[d];
        }
        return offset;
    }

    internal static T Cast<T>(double value) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(value);
}
