namespace MiniTorch.NN;

/// <summary>
/// Reads and writes the safetensors format of Hugging Face, which PyTorch models are shared in: an 8-byte
/// little-endian header length N, N bytes of JSON mapping each tensor name to its dtype, shape and byte range
/// <c>data_offsets: [begin, end)</c> within the data section, then the raw little-endian row-major data.
/// </summary>
/// <remarks>
/// Every MiniTorch dtype is read and written with the codes of the format's reference implementation, as
/// <c>safetensors.torch</c> maps torch's dtypes: F32 (Float32), F64 (Float64), I64 (Int64), I32 (Int32), BOOL (Bool,
/// one byte that must be 0 or 1), U8 (UInt8), F16 (Float16) and BF16 (BFloat16); a tensor loads in the dtype it was
/// saved with, so BatchNorm's <c>num_batches_tracked</c> is I64 both ways, as PyTorch writes it. A file is never trusted: every header field and byte range is checked before
/// any data is read. Sizes and offsets are 64-bit: files of any size, and tensors up to .NET's array limit.
/// </remarks>
public static class Safetensors
{
    /// <summary>The largest header accepted, as in the reference implementation (a guard against hostile files).</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>The default largest shard of <see cref="SaveSharded"/>: 5 GB, as in transformers' <c>save_pretrained</c>.</summary>
    public const long DefaultMaxShardSize = 5_000_000_000;

    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/> atomically: the file is written to a temporary
    /// file in the same directory, flushed to disk and moved over the target only when complete, so a crash never
    /// leaves a half-written model behind.
    /// </summary>
    /// <param name="path">The file to write (replaced if it exists).</param>
    /// <param name="tensors">Name → tensor, written in this order. Names must be unique and not <c>__metadata__</c>.</param>
    /// <param name="metadata">Optional free-form string → string map, stored under <c>__metadata__</c>.</param>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
        => SafetensorsWriter.Write(path, tensors, metadata);

    /// <summary>Reads every tensor of a safetensors file, in header order; throws <see cref="SafetensorsFormatException"/> for a truncated or corrupted file.</summary>
    public static OrderedDictionary<string, Tensor> Load(string path) => SafetensorsReader.Read(path).Tensors;

    /// <summary>Reads every tensor and the <c>__metadata__</c> map (empty if absent) of a safetensors file.</summary>
    public static (OrderedDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) LoadWithMetadata(string path)
        => SafetensorsReader.Read(path);

    /// <summary>
    /// Opens a safetensors file lazily, as Python's <c>safetensors.safe_open(path, "pt")</c>: the header is read and
    /// validated now, tensors only when asked for (<see cref="SafetensorsFile.GetTensor"/>, <see cref="SafetensorsFile.GetSlice"/>).
    /// Dispose the handle to close the file.
    /// </summary>
    /// <exception cref="SafetensorsFormatException">The file is truncated or its header is invalid.</exception>
    public static SafetensorsFile Open(string path) => SafetensorsFile.Open(path);

    /// <summary>
    /// Opens a checkpoint lazily: a directory holding <c>model.safetensors</c> or a sharded
    /// <c>model.safetensors.index.json</c> (transformers' <c>from_pretrained</c> looks for them in that order), an index
    /// file, or a single safetensors file. Every shard's header is validated, and the index checked against them, now.
    /// </summary>
    /// <exception cref="SafetensorsFormatException">The index or a shard is invalid, names a missing shard, or places a tensor twice.</exception>
    public static SafetensorsCheckpoint OpenCheckpoint(string path) => SafetensorsCheckpoint.Open(path);

    /// <summary>
    /// Writes a checkpoint into <paramref name="directory"/> in Hugging Face's layout: tensors are taken in order into
    /// shards of at most <paramref name="maxShardSize"/> bytes (a larger tensor gets a shard of its own), written as
    /// <c>model-00001-of-0000N.safetensors</c>, …, each atomically, and then <c>model.safetensors.index.json</c>
    /// (<c>metadata.total_size</c>, <c>weight_map</c>), last, so a checkpoint with an index is complete. When everything fits
    /// one shard, a single <c>model.safetensors</c> is written and no index, as transformers does. Files of an earlier
    /// checkpoint in the other layout or with another shard count are deleted afterwards.
    /// </summary>
    /// <param name="directory">The checkpoint directory (created if missing).</param>
    /// <param name="tensors">Name → tensor, in order.</param>
    /// <param name="maxShardSize">The largest shard in bytes of tensor data; transformers' default is 5 GB.</param>
    /// <param name="metadata">Optional string map stored in every shard's <c>__metadata__</c>; <c>format: pt</c> is added unless given, as transformers requires it.</param>
    /// <returns>The files written, the index last when there is one.</returns>
    public static IReadOnlyList<string> SaveSharded(string directory, IEnumerable<KeyValuePair<string, Tensor>> tensors, long maxShardSize = DefaultMaxShardSize, IReadOnlyDictionary<string, string>? metadata = null)
        => ShardedSafetensorsWriter.Write(directory, tensors, maxShardSize, metadata);
}
