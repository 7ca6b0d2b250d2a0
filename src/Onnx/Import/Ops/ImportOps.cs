namespace MiniTorch.Onnx;

/// <summary>The table of imported operators: ONNX op type → importer. One file per family of ops.</summary>
internal static partial class ImportOps
{
    public static readonly IReadOnlyDictionary<string, OnnxOpImporter> Table = Build();

    private static Dictionary<string, OnnxOpImporter> Build()
    {
        var table = new Dictionary<string, OnnxOpImporter>(StringComparer.Ordinal);
        AddElementwise(table);
        AddLayers(table);
        AddShapes(table);
        AddReductions(table);
        AddInteger(table);
        // Folded into a constant at import (GraphImport); the entry marks it supported.
        table["Constant"] = c => throw c.Unsupported("a Constant node is folded at import and never runs");
        return table;
    }

    /// <summary>The supported ONNX operator types, sorted (for documentation and error messages).</summary>
    public static IReadOnlyList<string> Supported => [.. Table.Keys.Order(StringComparer.Ordinal)];

    private static Tensor Data(ImportedValue? value) => value!.Value.Data;

    private static ImportedValue Like(ImportedValue like, Tensor data) => new(data, like.Element);

    private static ImportedValue[] One(ImportedValue value) => [value];

    /// <summary>An ONNX axis (negative counts from the end) as a dim of a tensor of rank <paramref name="rank"/>.</summary>
    private static int Axis(long axis, int rank, string what = "axis")
    {
        long d = axis < 0 ? axis + rank : axis;
        if (d < 0 || d >= Math.Max(rank, 1))
        {
            throw new ArgumentException($"{what} {axis} is out of range for a tensor of rank {rank}.");
        }
        return (int)d;
    }

    /// <summary>A scalar read from an optional input (Clip's min/max, etc.): null if absent.</summary>
    private static double? Scalar(ImportedValue? value) => value is { } v ? v.Data.Reshape(-1).Item() : null;

    /// <summary>
    /// Pads dims 2 and 3 of an (N, C, H, W) tensor with <paramref name="value"/>: <paramref name="top"/> rows before,
    /// <paramref name="bottom"/> after, and likewise for columns. Built from Cat, so the gradient flows to the input.
    /// </summary>
    internal static Tensor PadSpatial(Tensor x, int top, int left, int bottom, int right, double value)
    {
        if (top == 0 && left == 0 && bottom == 0 && right == 0)
        {
            return x;
        }
        var shape = x.Shape;
        if (top > 0 || bottom > 0)
        {
            var parts = new List<Tensor>(3);
            if (top > 0)
            {
                parts.Add(Tensor.Full([shape[0], shape[1], top, shape[3]], value, x.DType));
            }
            parts.Add(x);
            if (bottom > 0)
            {
                parts.Add(Tensor.Full([shape[0], shape[1], bottom, shape[3]], value, x.DType));
            }
            x = Tensor.Cat(parts, 2);
            shape = x.Shape;
        }
        if (left > 0 || right > 0)
        {
            var parts = new List<Tensor>(3);
            if (left > 0)
            {
                parts.Add(Tensor.Full([shape[0], shape[1], shape[2], left], value, x.DType));
            }
            parts.Add(x);
            if (right > 0)
            {
                parts.Add(Tensor.Full([shape[0], shape[1], shape[2], right], value, x.DType));
            }
            x = Tensor.Cat(parts, 3);
        }
        return x;
    }

    /// <summary>The value of a Constant node (value, or from opset 12 value_float(s) / value_int(s)).</summary>
    public static ImportedValue ConstantValue(NodeImportContext c, string source)
    {
        foreach (var a in c.Node.Attribute)
        {
            switch (a.Name)
            {
                case "value":
                    return TensorProtoReader.Read(a.T, source, $"Constant node '{c.Node.Name}'");
                case "value_float":
                    return new ImportedValue(Tensor.Scalar(a.F), OnnxElement.Float);
                case "value_floats":
                    return new ImportedValue(Tensor.FromArray([.. a.Floats], [a.Floats.Count]), OnnxElement.Float);
                case "value_int":
                    return new ImportedValue(Tensor.Scalar(a.I, DType.Float64), OnnxElement.Int64);
                case "value_ints":
                    return ImportedValue.Ints([.. a.Ints]);
            }
        }
        throw c.Unsupported("a Constant with a sparse or string value (or none) is not supported");
    }
}
