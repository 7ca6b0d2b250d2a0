using System.Buffers;

namespace MiniTorch.Distributed;

/// <summary>
/// A tensor's elements as one pinned, contiguous block MPI can read and write: the tensor's own storage when it is
/// contiguous, else a contiguous copy that <see cref="CopyBack"/> writes back through the tensor's strides. Given
/// another dtype to stage in (a UInt8 sum runs in Int32), the copy is converted there and back.
/// </summary>
internal sealed unsafe class TensorBuffer : IDisposable
{
    private readonly Tensor _tensor;
    private readonly Tensor _staged;
    private MemoryHandle _pin;

    public TensorBuffer(Tensor tensor, DType? stageAs = null)
    {
        _tensor = tensor;
        _staged = stageAs is { } dtype && dtype != tensor.DType ? TensorValues.Converted(tensor, dtype) : TensorValues.Contiguous(tensor);
        _pin = Pin(_staged);
    }

    /// <summary>The first element.</summary>
    public void* Pointer => _pin.Pointer;

    /// <summary>The number of elements.</summary>
    public int Count => _staged.Numel;

    /// <summary>The contiguous tensor MPI works on (the tensor itself when it is contiguous).</summary>
    public Tensor Staged => _staged;

    /// <summary>Pins the contiguous tensor's elements through their own element type (each dtype listed; no fallback).</summary>
    private static MemoryHandle Pin(Tensor contiguous) => contiguous.DType switch
    {
        DType.Float32 => contiguous.AsMemory<float>().Pin(),
        DType.Float64 => contiguous.AsMemory<double>().Pin(),
        DType.Int64 => contiguous.AsMemory<long>().Pin(),
        DType.Int32 => contiguous.AsMemory<int>().Pin(),
        DType.UInt8 => contiguous.AsMemory<byte>().Pin(),
        DType.Bool => contiguous.AsMemory<bool>().Pin(),
        DType.Float16 => contiguous.AsMemory<Half>().Pin(),
        DType.BFloat16 => contiguous.AsMemory<BFloat16>().Pin(),
        _ => throw new NotSupportedException($"Distributed: dtype {(int)contiguous.DType} is not a MiniTorch dtype, so its elements cannot be handed to MPI."),
    };

    /// <summary>Marks the tensor written (its version counter, as every in-place write does) and copies a staged result back.</summary>
    public void CopyBack()
    {
        if (_staged.DType != _tensor.DType)
        {
            using var narrowed = TensorValues.Converted(_staged, _tensor.DType);
            TensorValues.Copy(narrowed, _tensor);
        }
        else if (!ReferenceEquals(_staged, _tensor))
        {
            TensorValues.Copy(_staged, _tensor);
        }
        Autograd.IncrementVersion(_tensor);
    }

    public void Dispose()
    {
        _pin.Dispose();
        if (!ReferenceEquals(_staged, _tensor))
        {
            _staged.Dispose();
        }
    }
}
