using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace MiniTorch.NN;

/// <summary>
/// Reads safetensors files, treating them as untrusted: the header length is checked against the file, the JSON
/// against the format (known dtypes, integer shapes, [begin, end) offsets), each byte range against its dtype and
/// shape and the data section, and the ranges against each other (no overlap, no hole, nothing after the last),
/// which is what the format's reference implementation requires. The first problem found is reported with the file name.
/// </summary>
internal static class SafetensorsReader
{
    private readonly record struct Entry(string Name, string DType, int[] Shape, long Begin, long End);

    public static (OrderedDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 8)
        {
            throw Bad(path, $"the file is truncated: it has {file.Length} bytes, fewer than the 8-byte header length that starts every safetensors file.");
        }
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > Safetensors.MaxHeaderLength)
        {
            throw Bad(path, $"the header length field says {headerLength} bytes, more than the limit of {Safetensors.MaxHeaderLength}; the file is corrupted or not safetensors.");
        }
        if (headerLength > (ulong)(file.Length - 8))
        {
            throw Bad(path, $"the file is truncated or not safetensors: the header length field says {headerLength} bytes but only {file.Length - 8} bytes follow it.");
        }
        var header = file.AsSpan(8, (int)headerLength);
        if (header.Length == 0 || header[0] != (byte)'{')
        {
            throw Bad(path, "the header does not start with '{'; it must be a JSON object.");
        }
        // The JSON reader checks UTF-8 lazily (a bad property name fails only when read), so check it up front.
        if (!System.Text.Unicode.Utf8.IsValid(header))
        {
            throw Bad(path, "the header is not valid UTF-8 text.");
        }
        var (entries, metadata) = ParseHeader(path, file, (int)headerLength);
        long dataLength = file.Length - 8 - (long)headerLength;
        CheckLayout(path, entries, dataLength);
        var tensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        int dataStart = 8 + (int)headerLength;
        foreach (var e in entries)
        {
            tensors.Add(e.Name, Materialize(path, e, file.AsSpan(dataStart + (int)e.Begin, (int)(e.End - e.Begin))));
        }
        return (tensors, metadata);
    }

    private static (List<Entry>, Dictionary<string, string>) ParseHeader(string path, byte[] file, int length)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(file.AsMemory(8, length), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw Bad(path, $"the header is not well-formed JSON ({e.Message}).");
        }
        using (document)
        {
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw Bad(path, $"the header names '{property.Name}' twice; names must be unique.");
                }
                if (property.Name == "__metadata__")
                {
                    ReadMetadata(path, property.Value, metadata);
                    continue;
                }
                entries.Add(ReadEntry(path, property.Name, property.Value));
            }
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Bad(path, $"'__metadata__' must be an object of strings, got {value.ValueKind}.");
        }
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Bad(path, $"'__metadata__' value for '{item.Name}' must be a string, got {item.Value.ValueKind}.");
            }
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw Bad(path, $"'__metadata__' names '{item.Name}' twice.");
            }
        }
    }

    private static Entry ReadEntry(string path, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Bad(path, $"tensor '{name}': expected an object with dtype, shape and data_offsets, got {value.ValueKind}.");
        }
        string? dtype = null;
        int[]? shape = null;
        long[]? offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtype is null:
                    dtype = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : throw Bad(path, $"tensor '{name}': dtype must be a string.");
                    break;
                case "shape" when shape is null:
                    shape = Array.ConvertAll(Integers(path, name, "shape", field.Value), d => d <= int.MaxValue
                        ? (int)d
                        : throw Bad(path, $"tensor '{name}': dimension {d} is larger than a MiniTorch tensor can have."));
                    break;
                case "data_offsets" when offsets is null:
                    offsets = Integers(path, name, "data_offsets", field.Value);
                    break;
                default:
                    throw Bad(path, $"tensor '{name}': unexpected or repeated field '{field.Name}'; an entry has exactly dtype, shape and data_offsets.");
            }
        }
        if (dtype is null || shape is null || offsets is null)
        {
            string missing = dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw Bad(path, $"tensor '{name}': the field '{missing}' is missing.");
        }
        if (offsets.Length != 2)
        {
            throw Bad(path, $"tensor '{name}': data_offsets must be [begin, end], got {offsets.Length} numbers.");
        }
        int elementSize = dtype switch
        {
            "F32" => 4,
            "F64" or "I64" => 8,
            _ => throw Bad(path, $"tensor '{name}' has dtype '{dtype}', which MiniTorch does not support (supported: F32, F64, and I64 loaded as Float64)."),
        };
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end)
        {
            throw Bad(path, $"tensor '{name}': data_offsets [{begin}, {end}) has begin after end.");
        }
        long numel = 1;
        foreach (int d in shape)
        {
            numel = d == 0 ? 0 : numel <= long.MaxValue / 8 / d ? numel * d : throw Bad(path, $"tensor '{name}': shape {Shape(shape)} is too large.");
        }
        if (numel * elementSize != end - begin)
        {
            throw Bad(path, $"tensor '{name}': shape {Shape(shape)} of {dtype} needs {numel * elementSize} bytes but data_offsets [{begin}, {end}) span {end - begin}.");
        }
        if (numel > Array.MaxLength)
        {
            throw Bad(path, $"tensor '{name}': shape {Shape(shape)} has more elements than a MiniTorch tensor can hold.");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long[] Integers(string path, string name, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Bad(path, $"tensor '{name}': {field} must be an array of non-negative integers.");
        }
        var result = new long[value.GetArrayLength()];
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
            {
                throw Bad(path, $"tensor '{name}': {field} must be an array of non-negative integers, got {item.GetRawText()}.");
            }
            result[i++] = v;
        }
        return result;
    }

    /// <summary>The byte ranges, sorted, must tile the data section exactly: start at 0, each begin where the previous ended, the last end at its end.</summary>
    private static void CheckLayout(string path, List<Entry> entries, long dataLength)
    {
        foreach (var e in entries)
        {
            if (e.End > dataLength)
            {
                throw Bad(path, $"the file is truncated or tensor '{e.Name}' is out of bounds: its data_offsets [{e.Begin}, {e.End}) end past the {dataLength}-byte data section.");
            }
        }
        var sorted = entries.ToArray();
        Array.Sort(sorted, static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        string previous = "the start of the data section";
        foreach (var e in sorted)
        {
            if (e.Begin < position)
            {
                throw Bad(path, $"tensor '{e.Name}' [{e.Begin}, {e.End}) overlaps {previous}, which ends at byte {position}.");
            }
            if (e.Begin > position)
            {
                throw Bad(path, $"bytes [{position}, {e.Begin}) of the data section, between {previous} and tensor '{e.Name}', belong to no tensor; the format allows no holes.");
            }
            position = e.End;
            previous = $"tensor '{e.Name}'";
        }
        if (position != dataLength)
        {
            throw Bad(path, $"{dataLength - position} trailing bytes after the last tensor's data (byte {position} of a {dataLength}-byte data section) belong to no tensor; the format allows none.");
        }
    }

    private static Tensor Materialize(string path, Entry e, ReadOnlySpan<byte> bytes)
    {
        switch (e.DType)
        {
            case "F32":
            {
                float[] values = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
                if (!BitConverter.IsLittleEndian)
                {
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * i, 4));
                    }
                }
                return Tensor.FromArray(values, e.Shape);
            }
            case "F64":
            {
                double[] values = MemoryMarshal.Cast<byte, double>(bytes).ToArray();
                if (!BitConverter.IsLittleEndian)
                {
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(8 * i, 8));
                    }
                }
                return Tensor.FromArray(values, e.Shape);
            }
            default:
            {
                var values = new double[bytes.Length / 8];
                for (int i = 0; i < values.Length; i++)
                {
                    long v = BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(8 * i, 8));
                    if (v > 1L << 53 || v < -(1L << 53))
                    {
                        throw Bad(path, $"tensor '{e.Name}' (I64) holds {v} at element {i}, which float64 cannot represent exactly.");
                    }
                    values[i] = v;
                }
                return Tensor.FromArray(values, e.Shape);
            }
        }
    }

    private static string Shape(int[] shape) => "[" + string.Join(", ", shape) + "]";

    private static SafetensorsFormatException Bad(string path, string problem) => new(path, problem);
}
