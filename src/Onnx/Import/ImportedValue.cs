namespace MiniTorch.Onnx;

/// <summary>
/// The ONNX element types the importer reads. Inside a running graph, integers are held in float64 tensors (exact to
/// 2⁵³) and booleans in Bool or float64 tensors; the graph's outputs are returned in their own dtype (Int64, Int32, Bool).
/// </summary>
internal enum OnnxElement
{
    Float = 1,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
    Double = 11,
}

/// <summary>
/// One value of a running graph: a MiniTorch tensor and the ONNX element type it stands for. Floats are float32 or
/// float64 tensors (differentiable); int64/int32 shapes and indices and booleans are float64 tensors of whole numbers
/// (MiniTorch's index convention), tagged so Cast, Div and Reshape treat them as ONNX does.
/// </summary>
internal readonly record struct ImportedValue(Tensor Data, OnnxElement Element)
{
    public bool IsFloat => Element is OnnxElement.Float or OnnxElement.Double;

    public int Rank => Data.Rank;

    public int[] Shape => Data.Shape;

    public static ImportedValue FromFloat(Tensor data) => new(data, data.DType == DType.Float32 ? OnnxElement.Float : OnnxElement.Double);

    public static ImportedValue Ints(params long[] values) => new(Tensor.FromArray(Array.ConvertAll(values, v => (double)v), [values.Length]), OnnxElement.Int64);

    /// <summary>
    /// The value as a tensor of its ONNX element type's dtype (int64 → Int64, int32 → Int32, bool → Bool), as the graph
    /// hands its outputs to the caller; floats are returned as they are.
    /// </summary>
    public Tensor ToOwnDType()
    {
        var dtype = Element switch
        {
            OnnxElement.Int64 => DType.Int64,
            OnnxElement.Int32 => DType.Int32,
            OnnxElement.Bool => DType.Bool,
            _ => Data.DType,
        };
        return Data.DType == dtype ? Data : Data.To(dtype);
    }

    /// <summary>The elements as whole numbers (shapes, axes, indices).</summary>
    public long[] ToInt64s()
    {
        var values = Data.ToDoubleArray();
        var result = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = checked((long)values[i]);
        }
        return result;
    }

    public static string ElementName(OnnxElement element) => element switch
    {
        OnnxElement.Float => "float",
        OnnxElement.Double => "double",
        OnnxElement.Int64 => "int64",
        OnnxElement.Int32 => "int32",
        OnnxElement.Bool => "bool",
        _ => element.ToString(),
    };
}
