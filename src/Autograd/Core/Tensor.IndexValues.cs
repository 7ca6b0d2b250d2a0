using System.Buffers;
using MiniTorch.Kernels;

namespace MiniTorch;

// Index and mask operands are read once, in row-major order and whatever their strides, into a rented buffer: the
// ops that take them validate every value before touching any element, and a gather per training step allocates no
// copy of its index.
public partial class Tensor
{
    /// <summary>
    /// Refuses an index tensor whose dtype PyTorch refuses: Int64 always passes, Int32 only where
    /// <paramref name="allowInt32"/> (PyTorch's index_select, index_add and embedding take it; gather, scatter and
    /// advanced indexing do not).
    /// </summary>
    internal void CheckIndexDType(string op, bool allowInt32 = false)
    {
        if (DType == DType.Int64 || (allowInt32 && DType == DType.Int32))
        {
            return;
        }
        string expected = allowInt32 ? "int32 or int64" : "int64";
        throw new ArgumentException($"{op}: Expected dtype {expected} for index, got {DType.TorchName()} (PyTorch refuses {DType.ScalarTypeName()} indices too). Build indices with Tensor.FromArray(long[]) or Tensor.IndexTensor, or convert with .To(DType.Int64).");
    }

    /// <summary>
    /// The elements of this Int64/Int32 index tensor in row-major order, in an array rented from
    /// <see cref="ArrayPool{T}.Shared"/> (possibly longer than <see cref="Numel"/>); give it back with
    /// <see cref="ArrayPool{T}.Return"/>. The dtype is checked first, under <paramref name="op"/>.
    /// </summary>
    internal long[] RentIndices(string op, bool allowInt32 = false)
    {
        CheckIndexDType(op, allowInt32);
        var rented = ArrayPool<long>.Shared.Rent(Math.Max(Numel, 1));
        ReadIndices(rented);
        return rented;
    }

    /// <summary>The elements of this Int64/Int32 index tensor in row-major order, as a new array; the dtype is checked under <paramref name="op"/>.</summary>
    internal long[] IndexArray(string op, bool allowInt32 = false)
    {
        CheckIndexDType(op, allowInt32);
        var values = new long[Numel];
        ReadIndices(values);
        return values;
    }

    private void ReadIndices(long[] target)
    {
        if (DType == DType.Int64)
        {
            ReadRowMajor(Data<long>(), target);
            return;
        }
        var ints = ArrayPool<int>.Shared.Rent(Math.Max(Numel, 1));
        ReadRowMajor(Data<int>(), ints);
        for (int i = 0; i < Numel; i++)
        {
            target[i] = ints[i];
        }
        ArrayPool<int>.Shared.Return(ints);
    }

    /// <summary>The elements of this Bool mask in row-major order, as a new array; any other dtype is refused under <paramref name="op"/>.</summary>
    internal bool[] MaskArray(string op)
    {
        if (DType != DType.Bool)
        {
            throw new ArgumentException($"{op}: expected a Bool mask, got {DType.TorchName()}. Build masks with a comparison (x > 0) or Tensor.FromArray(bool[]), or convert with .To(DType.Bool).");
        }
        var values = new bool[Numel];
        ReadRowMajor(Data<bool>(), values);
        return values;
    }

    /// <summary>Copies this tensor's elements, whose element type is <typeparamref name="T"/>, in row-major order to the start of <paramref name="target"/>.</summary>
    internal void CopyRowMajor<T>(T[] target) where T : unmanaged => ReadRowMajor(Data<T>(), target);

    /// <summary>Copies this tensor's elements (of storage array <paramref name="source"/>) in row-major order to the start of <paramref name="target"/>.</summary>
    private void ReadRowMajor<T>(T[] source, T[] target) where T : unmanaged
    {
        int n = Numel;
        if (n == 0)
        {
            return;
        }
        if (IsContiguous)
        {
            source.AsSpan(Offset, n).CopyTo(target);
            return;
        }
        StridedCopy.Copy(source, Offset, _strides, target, 0, Shapes.ContiguousStrides(_shape), _shape);
    }

    /// <summary>
    /// <paramref name="value"/> as a position in a dim of <paramref name="size"/>: negative values count from the end, as
    /// in PyTorch's advanced indexing; anything outside [−size, size) is PyTorch's "index … is out of bounds" error.
    /// </summary>
    internal static int WrapIndex(string op, long value, int size, int dim)
    {
        if (value < -size || value >= size)
        {
            throw new ArgumentException($"{op}: index {value} is out of bounds for dimension {dim} with size {size}.");
        }
        return (int)(value < 0 ? value + size : value);
    }
}
