using Onnx;

namespace MiniTorch.Onnx;

/// <summary>An attribute of an ONNX node (an int, float, string or list of ints), for <see cref="OnnxLoweringContext.AddNode(string, IReadOnlyList{string}, string?, OnnxAttribute[])"/>.</summary>
public sealed class OnnxAttribute
{
    private readonly AttributeProto _proto;

    private OnnxAttribute(AttributeProto proto) => _proto = proto;

    /// <summary>The attribute's name.</summary>
    public string Name => _proto.Name;

    /// <summary>An int attribute (ONNX INT, 64-bit).</summary>
    public static OnnxAttribute Int(string name, long value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });

    /// <summary>A float attribute (ONNX FLOAT, 32-bit).</summary>
    public static OnnxAttribute Float(string name, double value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value });

    /// <summary>A string attribute (ONNX STRING, UTF-8).</summary>
    public static OnnxAttribute String(string name, string value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(value) });

    /// <summary>A list-of-ints attribute (ONNX INTS).</summary>
    public static OnnxAttribute Ints(string name, params IEnumerable<long> values)
    {
        var proto = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        proto.Ints.AddRange(values);
        return new(proto);
    }

    /// <summary>A list-of-ints attribute from ints.</summary>
    public static OnnxAttribute Ints(string name, IEnumerable<int> values) => Ints(name, values.Select(v => (long)v));

    /// <summary>A tensor attribute (a Constant node's value); internal, for tests that build graphs.</summary>
    internal static OnnxAttribute TensorValue(string name, TensorProto value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value });

    internal AttributeProto ToProto() => _proto.Clone();
}
