using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace MiniTorch.NN;

/// <summary>Writes safetensors files atomically (temporary file in the same directory, then a rename over the target).</summary>
internal static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = new List<(string Name, Tensor Tensor)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name) || name == "__metadata__")
            {
                throw new ArgumentException($"Safetensors.Save: tensor name '{name}' is not allowed; names must be non-empty and not '__metadata__'.", nameof(tensors));
            }
            if (!names.Add(name))
            {
                throw new ArgumentException($"Safetensors.Save: duplicate tensor name '{name}'; the format requires unique names.", nameof(tensors));
            }
            entries.Add((name, tensor ?? throw new ArgumentNullException(nameof(tensors), $"Safetensors.Save: tensor '{name}' is null.")));
        }
        byte[] header = Header(entries, metadata);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var (_, tensor) in entries)
                {
                    WriteData(stream, tensor);
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>The JSON header, padded with spaces so the data section starts 8-byte aligned (as the reference writer does).</summary>
    private static byte[] Header(List<(string Name, Tensor Tensor)> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value ?? throw new ArgumentException($"Safetensors.Save: metadata value for '{key}' is null; metadata values must be strings."));
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in entries)
            {
                long size = (long)tensor.Numel * tensor.DType.ElementSize();
                json.WriteStartObject(name);
                json.WriteString("dtype", tensor.DType == DType.Float32 ? "F32" : "F64");
                json.WriteStartArray("shape");
                foreach (int d in tensor.Shape)
                {
                    json.WriteNumberValue(d);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + size);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += size;
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++)
        {
            buffer.WriteByte((byte)' ');
        }
        return buffer.ToArray();
    }

    private static void WriteData(Stream stream, Tensor tensor)
    {
        if (tensor.DType == DType.Float32)
        {
            float[] values = tensor.ToArray<float>();
            if (!BitConverter.IsLittleEndian)
            {
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReverseEndianness(BitConverter.SingleToInt32Bits(values[i])));
                }
            }
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            double[] values = tensor.ToArray<double>();
            if (!BitConverter.IsLittleEndian)
            {
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReverseEndianness(BitConverter.DoubleToInt64Bits(values[i])));
                }
            }
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }
}
