namespace MiniTorch.NN;

/// <summary>
/// Reads and writes the safetensors format of Hugging Face, which PyTorch models are shared in: an 8-byte
/// little-endian header length N, N bytes of JSON mapping each tensor name to its dtype, shape and byte range
/// <c>data_offsets: [begin, end)</c> within the data section, then the raw little-endian row-major data.
/// </summary>
/// <remarks>
/// Files are written with dtype <c>F32</c> or <c>F64</c>. Loading accepts those and also <c>I64</c> (PyTorch writes
/// BatchNorm's <c>num_batches_tracked</c> as int64), which becomes a Float64 tensor of whole numbers, MiniTorch's
/// convention for integer data. A file is never trusted: every header field and byte range is checked before
/// any data is read.
/// </remarks>
public static class Safetensors
{
    /// <summary>The largest header accepted, as in the reference implementation (a guard against hostile files).</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/> atomically: the file is written to a temporary
    /// file in the same directory and moved over the target only when complete, so a crash never leaves a
    /// half-written model behind.
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
}
