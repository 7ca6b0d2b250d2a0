using System.Buffers.Binary;
using Onnx;

namespace MiniTorch.Onnx;

/// <summary>Reads an ONNX <see cref="TensorProto"/> (an initializer or a Constant's value) into an <see cref="ImportedValue"/>, checking that its data fits its dims.</summary>
internal static class TensorProtoReader
{
    public static ImportedValue Read(TensorProto proto, string source, string what)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External || proto.ExternalData.Count > 0)
        {
            throw new OnnxImportException($"ONNX import ({source}): {what} '{proto.Name}' keeps its data in an external file, which the importer does not read; save the model with its weights inside the .onnx file.");
        }
        int[] shape = new int[proto.Dims.Count];
        long count = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            long dim = proto.Dims[d];
            if (dim < 0 || dim > int.MaxValue)
            {
                throw new OnnxImportException($"ONNX import ({source}): {what} '{proto.Name}' has an invalid dim {dim} in shape [{string.Join(", ", proto.Dims)}].");
            }
            shape[d] = (int)dim;
            count *= dim;
        }
        if (count > int.MaxValue)
        {
            throw new OnnxImportException($"ONNX import ({source}): {what} '{proto.Name}' of shape [{string.Join(", ", proto.Dims)}] is too large.");
        }
        int n = (int)count;
        var raw = proto.RawData.Span;
        var type = (TensorProto.Types.DataType)proto.DataType;
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
            {
                var data = new float[n];
                if (raw.Length > 0)
                {
                    CheckRaw(raw.Length, n, 4, proto, source, what);
                    for (int i = 0; i < n; i++)
                    {
                        data[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(4 * i, 4));
                    }
                }
                else
                {
                    CheckCount(proto.FloatData.Count, n, proto, source, what);
                    proto.FloatData.CopyTo(data, 0);
                }
                return new ImportedValue(Tensor.FromArray(data, shape), OnnxElement.Float);
            }
            case TensorProto.Types.DataType.Double:
            {
                var data = new double[n];
                if (raw.Length > 0)
                {
                    CheckRaw(raw.Length, n, 8, proto, source, what);
                    for (int i = 0; i < n; i++)
                    {
                        data[i] = BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(8 * i, 8));
                    }
                }
                else
                {
                    CheckCount(proto.DoubleData.Count, n, proto, source, what);
                    proto.DoubleData.CopyTo(data, 0);
                }
                return new ImportedValue(Tensor.FromArray(data, shape), OnnxElement.Double);
            }
            case TensorProto.Types.DataType.Int64:
            {
                var data = new double[n];
                if (raw.Length > 0)
                {
                    CheckRaw(raw.Length, n, 8, proto, source, what);
                    for (int i = 0; i < n; i++)
                    {
                        data[i] = BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(8 * i, 8));
                    }
                }
                else
                {
                    CheckCount(proto.Int64Data.Count, n, proto, source, what);
                    for (int i = 0; i < n; i++)
                    {
                        data[i] = proto.Int64Data[i];
                    }
                }
                return new ImportedValue(Tensor.FromArray(data, shape), OnnxElement.Int64);
            }
            case TensorProto.Types.DataType.Int32:
            case TensorProto.Types.DataType.Bool:
            {
                // int32 and bool are stored in int32_data when not raw; raw bool is one byte per element.
                int width = type == TensorProto.Types.DataType.Bool ? 1 : 4;
                var data = new double[n];
                if (raw.Length > 0)
                {
                    CheckRaw(raw.Length, n, width, proto, source, what);
                    for (int i = 0; i < n; i++)
                    {
                        data[i] = width == 1 ? (raw[i] != 0 ? 1 : 0) : BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(4 * i, 4));
                    }
                }
                else
                {
                    CheckCount(proto.Int32Data.Count, n, proto, source, what);
                    for (int i = 0; i < n; i++)
                    {
                        data[i] = width == 1 ? (proto.Int32Data[i] != 0 ? 1 : 0) : proto.Int32Data[i];
                    }
                }
                var element = type == TensorProto.Types.DataType.Bool ? OnnxElement.Bool : OnnxElement.Int32;
                return new ImportedValue(Tensor.FromArray(data, shape), element);
            }
            default:
                throw new OnnxImportException($"ONNX import ({source}): {what} '{proto.Name}' has element type {type}; the importer reads float, double, int64, int32 and bool tensors.");
        }
    }

    private static void CheckRaw(int bytes, int count, int width, TensorProto proto, string source, string what)
    {
        if (bytes != (long)count * width)
        {
            throw new OnnxImportException($"ONNX import ({source}): {what} '{proto.Name}' of shape [{string.Join(", ", proto.Dims)}] needs {(long)count * width} bytes of data but has {bytes}; the file is truncated or corrupt.");
        }
    }

    private static void CheckCount(int actual, int count, TensorProto proto, string source, string what)
    {
        if (actual != count)
        {
            throw new OnnxImportException($"ONNX import ({source}): {what} '{proto.Name}' of shape [{string.Join(", ", proto.Dims)}] needs {count} elements but has {actual}; the file is truncated or corrupt.");
        }
    }
}
