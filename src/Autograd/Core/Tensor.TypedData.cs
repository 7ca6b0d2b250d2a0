using MiniTorch.Kernels;

namespace MiniTorch;

// Data out of a tensor: strict typed reads (ToArray<T>, Item<T>) and converting ones (ToFloatArray, ToLongArray, …)
// that convert as To(DType) does.
public partial class Tensor
{
    /// <summary>The elements in row-major order as float32, converted as <c>To(DType.Float32)</c> converts.</summary>
    public float[] ToFloatArray() => ConvertedArray<float>();

    /// <summary>The elements in row-major order as float64, converted as <c>To(DType.Float64)</c> converts (exact for every floating dtype).</summary>
    public double[] ToDoubleArray() => ConvertedArray<double>();

    /// <summary>The elements in row-major order as 64-bit integers, converted as <c>To(DType.Int64)</c> converts (floats truncate toward zero).</summary>
    public long[] ToLongArray() => ConvertedArray<long>();

    /// <summary>The elements in row-major order as 32-bit integers, converted as <c>To(DType.Int32)</c> converts (floats truncate toward zero, integers wrap).</summary>
    public int[] ToIntArray() => ConvertedArray<int>();

    /// <summary>The elements in row-major order as booleans, converted as <c>To(DType.Bool)</c> converts (<c>value != 0</c>).</summary>
    public bool[] ToBoolArray() => ConvertedArray<bool>();

    private TD[] ConvertedArray<TD>() where TD : unmanaged
    {
        var source = ContiguousRaw();
        var result = new TD[Numel];
        switch (DType)
        {
            case DType.Float32: DTypeConvert.Run<float, TD>(source.ContiguousSpan<float>(), result); break;
            case DType.Float64: DTypeConvert.Run<double, TD>(source.ContiguousSpan<double>(), result); break;
            case DType.Int64: DTypeConvert.Run<long, TD>(source.ContiguousSpan<long>(), result); break;
            case DType.Int32: DTypeConvert.Run<int, TD>(source.ContiguousSpan<int>(), result); break;
            case DType.Bool: DTypeConvert.Run<bool, TD>(source.ContiguousSpan<bool>(), result); break;
            case DType.UInt8: DTypeConvert.Run<byte, TD>(source.ContiguousSpan<byte>(), result); break;
            case DType.Float16: DTypeConvert.Run<Half, TD>(source.ContiguousSpan<Half>(), result); break;
            case DType.BFloat16: DTypeConvert.Run<BFloat16, TD>(source.ContiguousSpan<BFloat16>(), result); break;
            default: throw new NotSupportedException($"To: {(int)DType} is not a MiniTorch dtype.");
        }
        source.DisposeIfCopyOf(this);
        return result;
    }

    /// <summary>
    /// The elements in row-major order as float64, in an array rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/>
    /// (possibly longer than <see cref="Numel"/>): for kernels that read indices or masks once and give the array back
    /// with <see cref="System.Buffers.ArrayPool{T}.Return"/>, instead of allocating a copy per call.
    /// </summary>
    internal double[] RentDoubles()
    {
        var rented = System.Buffers.ArrayPool<double>.Shared.Rent(Numel);
        var source = ContiguousRaw();
        var target = rented.AsSpan(0, Numel);
        for (int i = 0; i < Numel; i++)
        {
            target[i] = source.ReadDouble(source.Offset + i);
        }
        source.DisposeIfCopyOf(this);
        return rented;
    }

    /// <summary>
    /// The elements in row-major order as <typeparamref name="T"/>, which must be the tensor's own element type
    /// (float, double, long, int, bool, byte, Half, BFloat16); no conversion is made.
    /// </summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not the element type of <see cref="DType"/>.</exception>
    public T[] ToArray<T>() where T : unmanaged
    {
        CheckElementType<T>("ToArray");
        var source = ContiguousRaw();
        var values = source.ContiguousSpan<T>().ToArray();
        source.DisposeIfCopyOf(this);
        return values;
    }

    /// <summary>The value of a one-element tensor as <typeparamref name="T"/>, which must be the tensor's element type (no conversion).</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not the element type of <see cref="DType"/>, or the tensor has several elements.</exception>
    public T Item<T>() where T : unmanaged
    {
        CheckElementType<T>("Item");
        CheckOneElement();
        return Data<T>()[Offset];
    }

    /// <summary>The value of a one-element tensor as float64, whatever its dtype (PyTorch's <c>item()</c>; Bool gives 0 or 1).</summary>
    public double Item()
    {
        CheckOneElement();
        return ReadDouble(Offset);
    }

    /// <summary>The element at a full index (one int per dimension), as float64 whatever the dtype (Bool gives 0 or 1).</summary>
    public double GetValue(params int[] index) => ReadDouble(ElementOffset("GetValue", index));

    private void CheckOneElement()
    {
        if (Numel != 1)
        {
            throw new ArgumentException($"Item: a Tensor with {Numel} elements cannot be converted to Scalar (shape {Shapes.Format(_shape)}); only one-element tensors can.");
        }
    }

    private void CheckElementType<T>(string member) where T : unmanaged
    {
        ThrowIfDisposed();
        if (Storage is not Storage<T>)
        {
            throw new ArgumentException(
                $"{member}<{typeof(T).Name}>: the tensor's dtype is {DType}, whose elements are {ElementTypeName(DType)}; " +
                $"use {member}<{ElementTypeName(DType)}>(), a converting reader ({ConvertingReader(DType)}), or convert first with To(DType).");
        }
    }

    /// <summary>The C# name of a dtype's element type, as a caller writes it in <c>ToArray&lt;long&gt;()</c>.</summary>
    internal static string ElementTypeName(DType dtype) => dtype switch
    {
        DType.Float32 => "float",
        DType.Float64 => "double",
        DType.Int64 => "long",
        DType.Int32 => "int",
        DType.Bool => "bool",
        DType.UInt8 => "byte",
        DType.Float16 => "Half",
        DType.BFloat16 => "BFloat16",
        _ => dtype.ToString(),
    };

    private static string ConvertingReader(DType dtype) => dtype switch
    {
        DType.Float64 => "ToDoubleArray()",
        DType.Int64 => "ToLongArray()",
        DType.Int32 => "ToIntArray()",
        DType.Bool => "ToBoolArray()",
        _ => "ToFloatArray()",
    };

    /// <summary>The element at a storage index as a double, for any dtype.</summary>
    internal double ReadDouble(int storageIndex) => DType switch
    {
        DType.Float32 => Data<float>()[storageIndex],
        DType.Float64 => Data<double>()[storageIndex],
        DType.Int64 => Data<long>()[storageIndex],
        DType.Int32 => Data<int>()[storageIndex],
        DType.Bool => Data<bool>()[storageIndex] ? 1 : 0,
        DType.UInt8 => Data<byte>()[storageIndex],
        DType.Float16 => (double)Data<Half>()[storageIndex],
        DType.BFloat16 => Data<BFloat16>()[storageIndex],
        _ => throw new NotSupportedException($"ReadDouble: {(int)DType} is not a MiniTorch dtype."),
    };

    /// <summary>Writes <paramref name="value"/>, converted as To(DType) converts, at a storage index, for any dtype.</summary>
    internal void SetRaw(int storageIndex, double value)
    {
        switch (DType)
        {
            case DType.Float32: Data<float>()[storageIndex] = (float)value; break;
            case DType.Float64: Data<double>()[storageIndex] = value; break;
            case DType.Int64: Data<long>()[storageIndex] = DTypeConvert.FromDouble<long>(value); break;
            case DType.Int32: Data<int>()[storageIndex] = DTypeConvert.FromDouble<int>(value); break;
            case DType.Bool: Data<bool>()[storageIndex] = value != 0; break;
            case DType.UInt8: Data<byte>()[storageIndex] = DTypeConvert.FromDouble<byte>(value); break;
            case DType.Float16: Data<Half>()[storageIndex] = DTypeConvert.FromDouble<Half>(value); break;
            case DType.BFloat16: Data<BFloat16>()[storageIndex] = DTypeConvert.FromDouble<BFloat16>(value); break;
            default: throw new NotSupportedException($"SetRaw: {(int)DType} is not a MiniTorch dtype.");
        }
    }

    /// <summary>Writes <paramref name="value"/> into every element of this view, without version bump or checks.</summary>
    internal void FillRaw(double value)
    {
        if (!IsContiguous)
        {
            foreach (int offset in StridedCopy.Offsets(_shape, _strides, Offset))
            {
                SetRaw(offset, value);
            }
            return;
        }
        switch (DType)
        {
            case DType.Float32: ParallelFill.Run(Data<float>(), Offset, Numel, (float)value); break;
            case DType.Float64: ParallelFill.Run(Data<double>(), Offset, Numel, value); break;
            case DType.Int64: ContiguousSpan<long>().Fill(DTypeConvert.FromDouble<long>(value)); break;
            case DType.Int32: ContiguousSpan<int>().Fill(DTypeConvert.FromDouble<int>(value)); break;
            case DType.Bool: ContiguousSpan<bool>().Fill(value != 0); break;
            case DType.UInt8: ContiguousSpan<byte>().Fill(DTypeConvert.FromDouble<byte>(value)); break;
            case DType.Float16: ContiguousSpan<Half>().Fill(DTypeConvert.FromDouble<Half>(value)); break;
            case DType.BFloat16: ContiguousSpan<BFloat16>().Fill(DTypeConvert.FromDouble<BFloat16>(value)); break;
            default: throw new NotSupportedException($"FillRaw: {(int)DType} is not a MiniTorch dtype.");
        }
    }
}
