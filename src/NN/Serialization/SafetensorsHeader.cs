using System.Text.Json;

namespace MiniTorch.NN;

/// <summary>
/// Parses and validates a safetensors header, treating the file as untrusted: the JSON against the format (known
/// dtypes, integer shapes, [begin, end) offsets), each byte range against its dtype and shape and the data section,
/// and the ranges against each other (no overlap, no hole, nothing after the last), which is what the format's
/// reference implementation requires. The first problem found is reported with the file name. All sizes are 64-bit.
/// </summary>
internal static class SafetensorsHeader
{
    /// <summary>The entries in header order, and the <c>__metadata__</c> map (empty if absent).</summary>
    public static (List<SafetensorsTensorInfo> Entries, Dictionary<string, string> Metadata) Parse(string path, byte[] header, long dataLength)
    {
        if (header.Length == 0 || header[0] != (byte)'{')
        {
            throw Bad(path, "the header does not start with '{'; it must be a JSON object.");
        }
        // The JSON reader checks UTF-8 lazily (a bad property name fails only when read), so check it up front.
        if (!System.Text.Unicode.Utf8.IsValid(header))
        {
            throw Bad(path, "the header is not valid UTF-8 text.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw Bad(path, $"the header is not well-formed JSON ({e.Message}).");
        }
        using (document)
        {
            var entries = new List<SafetensorsTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                string name = NameOf(path, property, "a tensor name");
                if (!seen.Add(name))
                {
                    throw Bad(path, $"the header names '{name}' twice; names must be unique.");
                }
                if (name == "__metadata__")
                {
                    ReadMetadata(path, property.Value, metadata);
                    continue;
                }
                entries.Add(ReadEntry(path, name, property.Value));
            }
            CheckLayout(path, entries, dataLength);
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
            string key = NameOf(path, item, "a '__metadata__' key");
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Bad(path, $"'__metadata__' value for '{key}' must be a string, got {item.Value.ValueKind}.");
            }
            if (!metadata.TryAdd(key, StringOf(path, item.Value, $"the '__metadata__' value for '{key}'")))
            {
                throw Bad(path, $"'__metadata__' names '{key}' twice.");
            }
        }
    }

    private static SafetensorsTensorInfo ReadEntry(string path, string name, JsonElement value)
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
            string fieldName = NameOf(path, field, $"a field name of tensor '{name}'");
            switch (fieldName)
            {
                case "dtype" when dtype is null:
                    dtype = field.Value.ValueKind == JsonValueKind.String
                        ? StringOf(path, field.Value, $"the dtype of tensor '{name}'")
                        : throw Bad(path, $"tensor '{name}': dtype must be a string.");
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
                    throw Bad(path, $"tensor '{name}': unexpected or repeated field '{fieldName}'; an entry has exactly dtype, shape and data_offsets.");
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
        int elementSize = SafetensorsDType.FromCode(dtype)?.ElementSize()
            ?? throw Bad(path, $"tensor '{name}' has dtype '{dtype}', which MiniTorch does not support (supported: {SafetensorsDType.Supported}).");
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end)
        {
            throw Bad(path, $"tensor '{name}': data_offsets [{begin}, {end}) has begin after end.");
        }
        long numel = 1;
        foreach (int d in shape)
        {
            numel = d == 0 ? 0 : numel <= long.MaxValue / 8 / d ? numel * d : throw Bad(path, $"tensor '{name}': shape {Format(shape)} is too large.");
        }
        if (numel * elementSize != end - begin)
        {
            throw Bad(path, $"tensor '{name}': shape {Format(shape)} of {dtype} needs {numel * elementSize} bytes but data_offsets [{begin}, {end}) span {end - begin}.");
        }
        return new SafetensorsTensorInfo(name, dtype, SafetensorsDType.FromCode(dtype)!.Value, shape, numel, begin, end);
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
    private static void CheckLayout(string path, List<SafetensorsTensorInfo> entries, long dataLength)
    {
        foreach (var e in entries)
        {
            if (e.DataEnd > dataLength)
            {
                throw Bad(path, $"the file is truncated or tensor '{e.Name}' is out of bounds: its data_offsets [{e.DataBegin}, {e.DataEnd}) end past the {dataLength}-byte data section.");
            }
        }
        var sorted = entries.ToArray();
        Array.Sort(sorted, static (a, b) => a.DataBegin != b.DataBegin ? a.DataBegin.CompareTo(b.DataBegin) : a.DataEnd.CompareTo(b.DataEnd));
        long position = 0;
        string previous = "the start of the data section";
        foreach (var e in sorted)
        {
            if (e.DataBegin < position)
            {
                throw Bad(path, $"tensor '{e.Name}' [{e.DataBegin}, {e.DataEnd}) overlaps {previous}, which ends at byte {position}.");
            }
            if (e.DataBegin > position)
            {
                throw Bad(path, $"bytes [{position}, {e.DataBegin}) of the data section, between {previous} and tensor '{e.Name}', belong to no tensor; the format allows no holes.");
            }
            position = e.DataEnd;
            previous = $"tensor '{e.Name}'";
        }
        if (position != dataLength)
        {
            throw Bad(path, $"{dataLength - position} trailing bytes after the last tensor's data (byte {position} of a {dataLength}-byte data section) belong to no tensor; the format allows none.");
        }
    }

    // JSON may escape a lone UTF-16 surrogate ("\ud800"), which is valid JSON but no .NET string can hold as text:
    // System.Text.Json then throws InvalidOperationException when the string is read. That is the file's fault.
    internal static string NameOf(string path, JsonProperty property, string what)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            throw Bad(path, $"{what} is not valid Unicode text (it escapes a lone UTF-16 surrogate, such as \\ud800).");
        }
    }

    internal static string StringOf(string path, JsonElement value, string what)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Bad(path, $"{what} is not valid Unicode text (it escapes a lone UTF-16 surrogate, such as \\ud800).");
        }
    }

    internal static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";

    private static SafetensorsFormatException Bad(string path, string problem) => new(path, problem);
}
