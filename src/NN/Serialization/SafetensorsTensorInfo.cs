namespace MiniTorch.NN;

/// <summary>
/// What a safetensors header says about one tensor, known without reading its data: the answer of
/// <c>safe_open(...).get_slice(name).get_shape()</c> and <c>.get_dtype()</c> in Python.
/// </summary>
public sealed class SafetensorsTensorInfo
{
    private readonly int[] _shape;

    internal SafetensorsTensorInfo(string name, string fileDType, DType dtype, int[] shape, long numel, long dataBegin, long dataEnd)
    {
        Name = name;
        FileDType = fileDType;
        DType = dtype;
        _shape = shape;
        Numel = numel;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>The tensor's name in the file.</summary>
    public string Name { get; }

    /// <summary>The dtype as the file stores it: <c>F32</c>, <c>F64</c>, <c>I64</c>, <c>I32</c>, <c>BOOL</c>, <c>U8</c>, <c>F16</c> or <c>BF16</c>.</summary>
    public string FileDType { get; }

    /// <summary>
    /// The dtype of the tensor MiniTorch loads, the one PyTorch's <c>safetensors.torch</c> gives: Float32 for <c>F32</c>,
    /// Float64 for <c>F64</c>, Int64 for <c>I64</c>, Int32 for <c>I32</c>, Bool for <c>BOOL</c>, UInt8 for <c>U8</c>,
    /// Float16 for <c>F16</c>, BFloat16 for <c>BF16</c>.
    /// </summary>
    public DType DType { get; }

    /// <summary>The shape (a copy).</summary>
    public int[] Shape => _shape.AsSpan().ToArray();

    /// <summary>The number of elements.</summary>
    public long Numel { get; }

    /// <summary>The size of the tensor's data in the file, in bytes.</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <summary>Where the data begins, in bytes from the start of the data section (the header's <c>data_offsets[0]</c>).</summary>
    public long DataBegin { get; }

    /// <summary>Where the data ends, exclusive (the header's <c>data_offsets[1]</c>).</summary>
    public long DataEnd { get; }

    internal int[] ShapeArray => _shape;

    internal int ElementSize => DType.ElementSize();
}
