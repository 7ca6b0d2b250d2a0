using System.Buffers;
using MiniTorch.Distributed.Native;

namespace MiniTorch.Distributed;

/// <summary>
/// A tensor's elements as one pinned, contiguous block MPI can read and write: the tensor's own storage when it is
/// contiguous, else a contiguous copy that <see cref="CopyBack"/> writes back through the tensor's strides.
/// </summary>
internal sealed unsafe class TensorBuffer : IDisposable
{
    private readonly Tensor _tensor;
    private readonly Tensor _staged;
    private MemoryHandle _pin;

    public TensorBuffer(Tensor tensor)
    {
        _tensor = tensor;
        _staged = TensorValues.Contiguous(tensor);
        _pin = tensor.DType == DType.Float32
            ? _staged.AsMemory<float>().Pin()
            : _staged.AsMemory<double>().Pin();
    }

    /// <summary>The first element.</summary>
    public void* Pointer => _pin.Pointer;

    /// <summary>The number of elements.</summary>
    public int Count => _staged.Numel;

    /// <summary>MPI's datatype handle for the tensor's dtype.</summary>
    public IntPtr MpiType => MpiTypeOf(_tensor.DType);

    /// <summary>The contiguous tensor MPI works on (the tensor itself when it is contiguous).</summary>
    public Tensor Staged => _staged;

    public static IntPtr MpiTypeOf(DType dtype) => dtype == DType.Float32 ? MpiLibrary.Float : MpiLibrary.Double;

    /// <summary>Marks the tensor written (its version counter, as every in-place write does) and copies a staged result back.</summary>
    public void CopyBack()
    {
        if (!ReferenceEquals(_staged, _tensor))
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
