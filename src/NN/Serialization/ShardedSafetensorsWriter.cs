using System.Text.Json;
using System.Text.RegularExpressions;

namespace MiniTorch.NN;

/// <summary>Writes checkpoints in Hugging Face's sharded layout (huggingface_hub's <c>split_torch_state_dict_into_shards</c> and transformers' <c>save_pretrained</c>).</summary>
internal static partial class ShardedSafetensorsWriter
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    [GeneratedRegex(@"^model-\d{5,}-of-\d{5,}\.safetensors$", RegexOptions.CultureInvariant)]
    private static partial Regex ShardName();

    public static IReadOnlyList<string> Write(string directory, IEnumerable<KeyValuePair<string, Tensor>> tensors, long maxShardSize, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (maxShardSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxShardSize), maxShardSize, "Safetensors.SaveSharded: maxShardSize must be a positive number of bytes.");
        }
        var entries = SafetensorsWriter.Entries(tensors);
        var shards = Split(entries, maxShardSize);
        var shardMetadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                shardMetadata[key] = value;
            }
        }
        // transformers refuses to load a shard whose metadata lacks "format" (it expects "pt" for PyTorch weights).
        shardMetadata.TryAdd("format", "pt");
        directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        if (shards.Count <= 1)
        {
            string single = Path.Combine(directory, SingleFileName);
            SafetensorsWriter.Write(single, entries, shardMetadata);
            written.Add(single);
            RemoveStale(directory, written);
            return written;
        }
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long totalSize = 0;
        for (int k = 0; k < shards.Count; k++)
        {
            string name = $"model-{k + 1:D5}-of-{shards.Count:D5}.safetensors";
            string file = Path.Combine(directory, name);
            SafetensorsWriter.Write(file, shards[k], shardMetadata);
            written.Add(file);
            foreach (var (tensorName, tensor) in shards[k])
            {
                weightMap.Add(tensorName, name);
                totalSize += SafetensorsWriter.DataSize(tensor);
            }
        }
        // A stale single file would be found before the index by a loader (transformers looks for it first): remove it
        // before the index exists, so an interrupted save fails to load instead of loading the old weights.
        File.Delete(Path.Combine(directory, SingleFileName));
        string index = Path.Combine(directory, IndexFileName);
        WriteAtomically(index, Index(totalSize, weightMap));
        written.Add(index);
        RemoveStale(directory, written);
        return written;
    }

    /// <summary>
    /// Tensors in order into shards of at most <paramref name="maxShardSize"/> bytes; a tensor larger than that gets a
    /// shard of its own, between the others (huggingface_hub's algorithm, so the same state dict shards the same way).
    /// </summary>
    private static List<List<(string Name, Tensor Tensor)>> Split(List<(string Name, Tensor Tensor)> entries, long maxShardSize)
    {
        var shards = new List<List<(string, Tensor)>>();
        var current = new List<(string, Tensor)>();
        long currentSize = 0;
        foreach (var entry in entries)
        {
            long size = SafetensorsWriter.DataSize(entry.Tensor);
            if (size > maxShardSize)
            {
                shards.Add([entry]);
                continue;
            }
            if (currentSize + size > maxShardSize)
            {
                shards.Add(current);
                current = [];
                currentSize = 0;
            }
            current.Add(entry);
            currentSize += size;
        }
        if (current.Count > 0)
        {
            shards.Add(current);
        }
        return shards;
    }

    /// <summary>The index as transformers writes it: <c>json.dumps(index, indent=2, sort_keys=True) + "\n"</c>.</summary>
    private static byte[] Index(long totalSize, SortedDictionary<string, string> weightMap)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteNumber("total_size", totalSize);
            json.WriteEndObject();
            json.WriteStartObject("weight_map");
            foreach (var (name, file) in weightMap)
            {
                json.WriteString(name, file);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        string temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Deletes the files of an earlier checkpoint in this directory (the other layout, another shard count) that were not just written.</summary>
    private static void RemoveStale(string directory, List<string> written)
    {
        var keep = new HashSet<string>(written, StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(file);
            if (!keep.Contains(file) && (name == SingleFileName || name == IndexFileName || ShardName().IsMatch(name)))
            {
                File.Delete(file);
            }
        }
    }
}
