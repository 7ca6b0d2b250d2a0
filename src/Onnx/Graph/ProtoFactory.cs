using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace MiniTorch.Onnx;

/// <summary>Builds the protobuf messages of an ONNX graph: typed values, tensors (initializers) and nodes.</summary>
internal static class ProtoFactory
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int Double = (int)TensorProto.Types.DataType.Double;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;
    public const int Bool = (int)TensorProto.Types.DataType.Bool;

    /// <summary>The ONNX element type of a MiniTorch dtype (Int64 indices and Bool masks keep their type).</summary>
    public static int ElementType(DType dtype) => dtype switch
    {
        DType.Float32 => Float,
        DType.Int64 => Int64,
        DType.Int32 => (int)TensorProto.Types.DataType.Int32,
        DType.Bool => Bool,
        DType.UInt8 => (int)TensorProto.Types.DataType.Uint8,
        _ => Double,
    };

    /// <summary>A tensor holding <paramref name="tensor"/>'s elements in row-major order (raw little-endian bytes).</summary>
    public static TensorProto Tensor(string name, Tensor tensor)
    {
        var proto = new TensorProto { Name = name, DataType = ElementType(tensor.DType) };
        proto.Dims.AddRange(tensor.Shape.Select(d => (long)d));
        proto.RawData = tensor.DType switch
        {
            DType.Float32 => ByteString.CopyFrom(MemoryMarshal.AsBytes(tensor.ToArray<float>().AsSpan())),
            DType.Int64 => ByteString.CopyFrom(MemoryMarshal.AsBytes(tensor.ToArray<long>().AsSpan())),
            DType.Int32 => ByteString.CopyFrom(MemoryMarshal.AsBytes(tensor.ToArray<int>().AsSpan())),
            DType.Bool => ByteString.CopyFrom(MemoryMarshal.AsBytes(tensor.ToArray<bool>().AsSpan())),
            DType.UInt8 => ByteString.CopyFrom(tensor.ToArray<byte>()),
            _ => ByteString.CopyFrom(MemoryMarshal.AsBytes(tensor.ToArray<double>().AsSpan())),
        };
        return proto;
    }

    /// <summary>A 1-D int64 tensor (shapes, axes, slice bounds).</summary>
    public static TensorProto Int64s(string name, long[] values)
    {
        var proto = new TensorProto { Name = name, DataType = Int64 };
        proto.Dims.Add(values.Length);
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        return proto;
    }

    /// <summary>A 0-d tensor of the given element type.</summary>
    public static TensorProto Scalar(string name, double value, DType dtype)
    {
        var proto = new TensorProto { Name = name, DataType = ElementType(dtype) };
        proto.RawData = dtype switch
        {
            DType.Float32 => ByteString.CopyFrom(BitConverter.GetBytes((float)value)),
            DType.Int64 => ByteString.CopyFrom(BitConverter.GetBytes((long)value)),
            DType.Int32 => ByteString.CopyFrom(BitConverter.GetBytes((int)value)),
            DType.Bool => ByteString.CopyFrom(BitConverter.GetBytes(value != 0)),
            DType.UInt8 => ByteString.CopyFrom((byte)value),
            _ => ByteString.CopyFrom(BitConverter.GetBytes(value)),
        };
        return proto;
    }

    public static NodeProto Node(string opType, string name, IEnumerable<string> inputs, IEnumerable<string> outputs, IEnumerable<OnnxAttribute> attributes, string domain = "")
    {
        var node = new NodeProto { OpType = opType, Name = name, Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes.Select(a => a.ToProto()));
        return node;
    }

    /// <summary>A graph input or output: element type and shape, with <paramref name="dimNames"/> (null = fixed size) for symbolic dims.</summary>
    public static ValueInfoProto Value(string name, DType dtype, int[] shape, string?[] dimNames)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = ElementType(dtype), Shape = new TensorShapeProto() };
        for (int d = 0; d < shape.Length; d++)
        {
            var dim = new TensorShapeProto.Types.Dimension();
            if (dimNames[d] is { } symbol)
            {
                if (symbol.Length > 0)
                {
                    dim.DimParam = symbol;
                }
            }
            else
            {
                dim.DimValue = shape[d];
            }
            tensorType.Shape.Dim.Add(dim);
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }
}
