using System.Text.Json;

namespace MiniTorch.NN;

/// <summary>
/// A checkpoint opened lazily: one safetensors file, or the shards of a Hugging Face <c>model.safetensors.index.json</c>
/// read as one. Every shard's header is validated and the index checked against the headers when it is opened (each
/// tensor in exactly the shard the index names); tensors are read only on request. Dispose to close the files.
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    /// <summary>The largest index file accepted (real ones are kilobytes; a guard against hostile files).</summary>
    private const long MaxIndexLength = 100_000_000;

    private readonly SafetensorsFile[] _files;
    private readonly Dictionary<string, SafetensorsFile> _owners;
    private readonly string[] _keys;

    private SafetensorsCheckpoint(string path, string? indexPath, long? totalSize, SafetensorsFile[] files)
    {
        Path = path;
        IndexPath = indexPath;
        TotalSize = totalSize;
        _files = files;
        _owners = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var keys = new List<string>();
        foreach (var file in files)
        {
            foreach (string key in file.Keys)
            {
                _owners.Add(key, file);
                keys.Add(key);
            }
        }
        _keys = keys.ToArray();
    }

    /// <summary>The path that was opened (a directory, an index or a file).</summary>
    public string Path { get; }

    /// <summary>The index file, or null for a single-file checkpoint.</summary>
    public string? IndexPath { get; }

    /// <summary>The index's <c>metadata.total_size</c> (bytes of tensor data), or null when there is none.</summary>
    public long? TotalSize { get; }

    /// <summary>The open files: one, or the shards in name order.</summary>
    public IReadOnlyList<SafetensorsFile> Files => _files;

    /// <summary>Every tensor name: the shards in name order, each in header order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The bytes read from all files so far, headers included.</summary>
    public long BytesRead
    {
        get
        {
            long sum = 0;
            foreach (var file in _files)
            {
                sum += file.BytesRead;
            }
            return sum;
        }
    }

    /// <summary>Whether the checkpoint holds a tensor of this name.</summary>
    public bool Contains(string name) => _owners.ContainsKey(name);

    /// <summary>The dtype, shape and byte range of one tensor, from its shard's header (no data is read).</summary>
    public SafetensorsTensorInfo GetInfo(string name) => Owner(name).GetInfo(name);

    /// <summary>Reads one tensor from the shard that holds it.</summary>
    public Tensor GetTensor(string name) => Owner(name).GetTensor(name);

    /// <summary>Reads rows <c>[start, end)</c> of a tensor's first dimension, as <see cref="SafetensorsFile.GetSlice"/>.</summary>
    public Tensor GetSlice(string name, int start, int end) => Owner(name).GetSlice(name, start, end);

    /// <summary>Every tensor, in <see cref="Keys"/> order.</summary>
    public OrderedDictionary<string, Tensor> LoadAll()
    {
        var tensors = new OrderedDictionary<string, Tensor>(_keys.Length, StringComparer.Ordinal);
        foreach (var file in _files)
        {
            foreach (var (name, tensor) in file.LoadAll())
            {
                tensors.Add(name, tensor);
            }
        }
        return tensors;
    }

    /// <summary>Closes every file.</summary>
    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Dispose();
        }
    }

    private SafetensorsFile Owner(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _owners.TryGetValue(name, out var file)
            ? file
            : throw new KeyNotFoundException($"Checkpoint '{Path}' has no tensor named '{name}' (it has {_keys.Length} tensors{(_keys.Length > 0 ? ", e.g. '" + _keys[0] + "'" : "")}).");
    }

    internal static SafetensorsCheckpoint Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            string single = System.IO.Path.Combine(path, ShardedSafetensorsWriter.SingleFileName);
            string index = System.IO.Path.Combine(path, ShardedSafetensorsWriter.IndexFileName);
            if (File.Exists(single))
            {
                return new SafetensorsCheckpoint(path, null, null, [SafetensorsFile.Open(single)]);
            }
            if (File.Exists(index))
            {
                return OpenIndex(path, index);
            }
            throw new FileNotFoundException($"No checkpoint in '{path}': it has neither {ShardedSafetensorsWriter.SingleFileName} nor {ShardedSafetensorsWriter.IndexFileName}.", single);
        }
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? OpenIndex(path, path)
            : new SafetensorsCheckpoint(path, null, null, [SafetensorsFile.Open(path)]);
    }

    private static SafetensorsCheckpoint OpenIndex(string path, string index)
    {
        var (totalSize, weightMap) = ReadIndex(index);
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(index))!;
        var shardNames = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (tensor, shard) in weightMap)
        {
            if (shardNames.Add(shard) && !File.Exists(System.IO.Path.Combine(directory, shard)))
            {
                throw Bad(index, $"weight_map puts tensor '{tensor}' in shard '{shard}', which does not exist in '{directory}'.");
            }
        }
        var files = new List<SafetensorsFile>(shardNames.Count);
        var byShard = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (string shard in shardNames)
            {
                var file = SafetensorsFile.Open(System.IO.Path.Combine(directory, shard));
                files.Add(file);
                byShard.Add(shard, file);
                CheckShardAgainstIndex(index, shard, file, weightMap);
            }
            foreach (var (tensor, shard) in weightMap)
            {
                if (!byShard[shard].Contains(tensor))
                {
                    throw Bad(index, $"weight_map puts tensor '{tensor}' in shard '{shard}', whose header has no such tensor.");
                }
            }
            return new SafetensorsCheckpoint(path, index, totalSize, files.ToArray());
        }
        catch
        {
            foreach (var file in files)
            {
                file.Dispose();
            }
            throw;
        }
    }

    /// <summary>Every tensor of a shard must be mapped to that shard: one in two shards, or in none the index names, is an error.</summary>
    private static void CheckShardAgainstIndex(string index, string shard, SafetensorsFile file, Dictionary<string, string> weightMap)
    {
        foreach (string tensor in file.Keys)
        {
            if (!weightMap.TryGetValue(tensor, out string? mapped))
            {
                throw Bad(index, $"shard '{shard}' holds tensor '{tensor}', which weight_map does not list.");
            }
            if (mapped != shard)
            {
                throw Bad(index, $"tensor '{tensor}' is in shard '{shard}' as well as in '{mapped}', where weight_map puts it; a tensor may be stored once only.");
            }
        }
    }

    private static (long? TotalSize, Dictionary<string, string> WeightMap) ReadIndex(string index)
    {
        long length = new FileInfo(index).Length;
        if (length > MaxIndexLength)
        {
            throw Bad(index, $"the index is {length} bytes, more than the limit of {MaxIndexLength}; it is corrupted or not a checkpoint index.");
        }
        byte[] bytes = File.ReadAllBytes(index);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw Bad(index, "the index is not valid UTF-8 text.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Bad(index, $"the index is not well-formed JSON ({e.Message}).");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad(index, $"the index must be a JSON object with 'weight_map', got {root.ValueKind}.");
            }
            long? totalSize = null;
            Dictionary<string, string>? weightMap = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                string name = SafetensorsHeader.NameOf(index, property, "a name in the index");
                if (!seen.Add(name))
                {
                    throw Bad(index, $"the index names '{name}' twice.");
                }
                if (name == "weight_map")
                {
                    weightMap = ReadWeightMap(index, property.Value);
                }
                else if (name == "metadata")
                {
                    totalSize = ReadTotalSize(index, property.Value);
                }
            }
            return (totalSize, weightMap ?? throw Bad(index, "the index has no 'weight_map' (tensor name → shard file)."));
        }
    }

    private static Dictionary<string, string> ReadWeightMap(string index, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Bad(index, $"'weight_map' must be an object mapping tensor names to shard files, got {value.ValueKind}.");
        }
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            string tensor = SafetensorsHeader.NameOf(index, entry, "a tensor name in 'weight_map'");
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw Bad(index, $"weight_map entry for tensor '{tensor}' must be a shard file name, got {entry.Value.ValueKind}.");
            }
            string shard = SafetensorsHeader.StringOf(index, entry.Value, $"the shard file name of tensor '{tensor}'");
            // A shard is a file beside the index: a path elsewhere would let a downloaded index read any file.
            if (shard.Length == 0 || shard is "." or ".." || shard.IndexOfAny(['/', '\\']) >= 0 || shard.Contains('\0'))
            {
                throw Bad(index, $"weight_map puts tensor '{tensor}' in '{shard}', which is not the name of a file beside the index.");
            }
            if (!map.TryAdd(tensor, shard))
            {
                throw Bad(index, $"weight_map names tensor '{tensor}' twice (in '{map[tensor]}' and '{shard}'); a tensor may be stored once only.");
            }
        }
        return map;
    }

    private static long? ReadTotalSize(string index, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Bad(index, $"'metadata' must be an object, got {value.ValueKind}.");
        }
        if (!value.TryGetProperty("total_size", out var size))
        {
            return null;
        }
        // Some exporters write total_size as a float; any non-negative whole number is accepted.
        if (size.ValueKind != JsonValueKind.Number || !size.TryGetDouble(out double d) || d < 0 || d != Math.Floor(d) || d > long.MaxValue)
        {
            throw Bad(index, $"'metadata.total_size' must be a non-negative whole number of bytes, got {size.GetRawText()}.");
        }
        return (long)d;
    }

    private static SafetensorsFormatException Bad(string path, string problem) => new(path, problem);
}
