namespace MiniTorch;

/// <summary>
/// Direct access to a tensor's elements, for code that moves them in bulk without a copy: file formats (safetensors),
/// communication libraries (MPI), interop. These bypass autograd, tracing and the version counter, so the rules of
/// each member say what the caller takes on.
/// </summary>
public partial class Tensor
{
    /// <summary>
    /// A float32 tensor of <paramref name="shape"/> whose storage is <paramref name="data"/> itself, with no copy
    /// (PyTorch's <c>torch.from_numpy</c>): writes to the array are seen by the tensor and its views, and in-place ops
    /// on the tensor write to the array. The tensor does not require grad, and the array never goes to MiniTorch's
    /// buffer pool, not even when the tensor is disposed.
    /// </summary>
    /// <exception cref="ArgumentException">A dimension is negative, or the shape's element count is not <c>data.Length</c>.</exception>
    public static Tensor WrapArray(float[] data, params int[] shape) => WrapChecked(data, shape);

    /// <summary>
    /// A float64 tensor of <paramref name="shape"/> whose storage is <paramref name="data"/> itself, with no copy
    /// (PyTorch's <c>torch.from_numpy</c>); see <see cref="WrapArray(float[], int[])"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A dimension is negative, or the shape's element count is not <c>data.Length</c>.</exception>
    public static Tensor WrapArray(double[] data, params int[] shape) => WrapChecked(data, shape);

    /// <summary>
    /// A tensor of <paramref name="shape"/> whose storage is <paramref name="data"/> itself, with no copy, for any
    /// element type a dtype has (<see cref="long"/> → Int64, <see cref="int"/> → Int32, <see cref="bool"/> → Bool,
    /// <see cref="byte"/> → UInt8, <see cref="Half"/> → Float16, <see cref="BFloat16"/>, as well as float and double);
    /// see <see cref="WrapArray(float[], int[])"/>. Generic so that a collection expression of integer literals never
    /// binds here by accident.
    /// </summary>
    /// <exception cref="ArgumentException">A dimension is negative, or the shape's element count is not <c>data.Length</c>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is the element type of no dtype.</exception>
    public static Tensor WrapArray<T>(T[] data, params int[] shape) where T : unmanaged
    {
        _ = DTypeExtensions.DTypeOf<T>();
        return WrapChecked(data, shape);
    }

    private static Tensor WrapChecked<T>(T[] data, int[] shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        var dims = CheckShape(nameof(WrapArray), shape);
        // Multiplied in long and stopped past int.MaxValue (no tensor is larger), unless a zero dimension empties it.
        long numel = Array.IndexOf(dims, 0) >= 0 ? 0 : 1;
        for (int i = 0; i < dims.Length && numel is > 0 and <= int.MaxValue; i++)
        {
            numel *= dims[i];
        }
        if (numel != data.Length)
        {
            string needs = numel > int.MaxValue ? $"more than {int.MaxValue}" : numel.ToString();
            throw new ArgumentException($"{nameof(WrapArray)}: shape {Shapes.Format(dims)} needs {needs} elements, but the array has {data.Length}.", nameof(shape));
        }
        return new Tensor(new Storage<T>(data), dims);
    }

    /// <summary>
    /// The elements of a contiguous tensor, in row-major order, as a span over its storage (no copy). Writing through
    /// the span changes the tensor and every view of its storage without autograd knowing: do it only to tensors that
    /// take no part in a graph (or under <see cref="Autograd.NoGrad"/> on detached data, as PyTorch's <c>.data</c>),
    /// and call <see cref="Autograd.IncrementVersion"/> afterwards so that a saved tensor it invalidates is caught. The
    /// span is valid until the tensor is disposed (a disposed tensor's pooled array is reused by others).
    /// </summary>
    /// <typeparam name="T">The tensor's element type (<see cref="DTypeExtensions.ElementType"/>): float for Float32, long for Int64, bool for Bool, ….</typeparam>
    /// <exception cref="InvalidOperationException">The tensor is not contiguous, or <typeparamref name="T"/> is not its element type.</exception>
    /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        CheckDirectAccess<T>(nameof(AsSpan));
        return ContiguousSpan<T>();
    }

    /// <summary>
    /// The elements of a contiguous tensor as <see cref="Memory{T}"/> over its storage (no copy), for code that must
    /// hold on to them past a stack frame (pinning them for a native call that completes later, asynchronous I/O). The
    /// rules of <see cref="AsSpan{T}"/> apply, and the memory must not be used after the tensor is disposed.
    /// </summary>
    /// <typeparam name="T">The tensor's element type (<see cref="DTypeExtensions.ElementType"/>): float for Float32, long for Int64, bool for Bool, ….</typeparam>
    /// <exception cref="InvalidOperationException">The tensor is not contiguous, or <typeparamref name="T"/> is not its element type.</exception>
    /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
    public Memory<T> AsMemory<T>() where T : unmanaged
    {
        CheckDirectAccess<T>(nameof(AsMemory));
        return new Memory<T>(Data<T>(), Offset, Numel);
    }

    private void CheckDirectAccess<T>(string member) where T : unmanaged
    {
        ThrowIfDisposed();
        if (Storage is not Storage<T>)
        {
            throw new InvalidOperationException(
                $"{member}<{typeof(T).Name}>: the tensor holds {DType} elements; use {member}<{ElementTypeName(DType)}>().");
        }
        if (!IsContiguous)
        {
            throw new InvalidOperationException(
                $"{member}: the tensor of shape {Shapes.Format(_shape)} with strides {Shapes.Format(_strides)} is not contiguous, so its elements are not one block; call Contiguous() first.");
        }
    }
}
