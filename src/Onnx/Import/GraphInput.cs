using Onnx;

namespace MiniTorch.Onnx;

/// <summary>A graph input as declared: name, element type and dims (null for a symbolic or missing dim).</summary>
internal sealed record GraphInput(string Name, OnnxElement Element, long?[]? Dims)
{
    public static GraphInput From(ValueInfoProto info, string source)
    {
        var tensorType = info.Type?.TensorType ?? throw new OnnxImportException($"ONNX import ({source}): graph input '{info.Name}' is not a tensor; the importer takes tensor inputs only.");
        var element = (OnnxElement)tensorType.ElemType;
        if (!Enum.IsDefined(element))
        {
            throw new OnnxImportException($"ONNX import ({source}): graph input '{info.Name}' has element type {(TensorProto.Types.DataType)tensorType.ElemType}; the importer takes float, double, int64, int32 and bool inputs.");
        }
        long?[]? dims = tensorType.Shape is null ? null : [.. tensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : (long?)null)];
        return new GraphInput(info.Name, element, dims);
    }

    public string Format() => Dims is null ? "[?]" : "[" + string.Join(", ", Dims.Select(d => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?")) + "]";
}
