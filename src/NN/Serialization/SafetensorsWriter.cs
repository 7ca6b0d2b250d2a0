using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace MiniTorch.NN;

/// <summary>
/// Writes safetensors files atomically (temporary file in the same directory, then a rename over the target). The
/// file is preallocated to its final size, each tensor's elements are written in large positioned writes straight
/// from its memory (no copy for a contiguous tensor), and the file is flushed to disk once, before the rename.
/// </summary>
internal static class SafetensorsWriter
{
    /// <summary>Bytes per write call: large writes keep the disk streaming; 64 MiB keeps every span far below 2 GB.</summary>
    private const int ChunkBytes = 1 << 26;

    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
        => Write(path, Entries(tensors), metadata);

    /// <summary>Checks names (non-empty, unique, not <c>__metadata__</c>) and tensors (not null) before anything is written.</summary>
    public static List<(string Name, Tensor Tensor)> Entries(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
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
        return entries;
    }

    public static void Write(string path, List<(string Name, Tensor Tensor)> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] prefix = Prefix(entries, metadata, out long total);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, preallocationSize: total))
            {
                RandomAccess.Write(handle, prefix, 0);
                long position = prefix.Length;
                foreach (var (_, tensor) in entries)
                {
                    position = tensor.DType switch
                    {
                        DType.Float32 => WriteData<float>(handle, tensor, position),
                        DType.Float64 => WriteData<double>(handle, tensor, position),
                        DType.Int64 => WriteData<long>(handle, tensor, position),
                        DType.Int32 => WriteData<int>(handle, tensor, position),
                        DType.Bool => WriteData<bool>(handle, tensor, position),
                        DType.UInt8 => WriteData<byte>(handle, tensor, position),
                        DType.Float16 => WriteData<Half>(handle, tensor, position),
                        _ => WriteData<BFloat16>(handle, tensor, position),
                    };
                }
                RandomAccess.FlushToDisk(handle);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>The bytes of the data section of one tensor.</summary>
    public static long DataSize(Tensor tensor) => (long)tensor.Numel * tensor.DType.ElementSize();

    /// <summary>
    /// The 8-byte header length and the JSON header, padded with spaces so the data section starts 8-byte aligned (as
    /// the reference writer does); <paramref name="total"/> is the size of the whole file.
    /// </summary>
    private static byte[] Prefix(List<(string Name, Tensor Tensor)> entries, IReadOnlyDictionary<string, string>? metadata, out long total)
    {
        using var buffer = new MemoryStream();
        buffer.Write(new byte[8]);
        long offset = 0;
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
            foreach (var (name, tensor) in entries)
            {
                long size = DataSize(tensor);
                json.WriteStartObject(name);
                json.WriteString("dtype", SafetensorsDType.ToCode(tensor.DType));
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
        byte[] prefix = buffer.ToArray();
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)(prefix.Length - 8));
        total = prefix.Length + offset;
        return prefix;
    }

    private static long WriteData<T>(SafeFileHandle handle, Tensor tensor, long position) where T : unmanaged
    {
        // A contiguous tensor (every parameter) is written from its own memory; a strided view is gathered once.
        var source = tensor.Contiguous();
        ReadOnlySpan<T> values = source.AsSpan<T>();
        int perChunk = ChunkBytes / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        T[]? swapped = BitConverter.IsLittleEndian ? null : ArrayPool<T>.Shared.Rent(Math.Min(perChunk, values.Length));
        try
        {
            for (int i = 0; i < values.Length; i += perChunk)
            {
                var chunk = values.Slice(i, Math.Min(perChunk, values.Length - i));
                if (swapped is not null)
                {
                    chunk.CopyTo(swapped);
                    chunk = swapped.AsSpan(0, chunk.Length);
                    SwapInPlace(swapped.AsSpan(0, chunk.Length));
                }
                var bytes = MemoryMarshal.AsBytes(chunk);
                RandomAccess.Write(handle, bytes, position);
                position += bytes.Length;
            }
        }
        finally
        {
            if (swapped is not null)
            {
                ArrayPool<T>.Shared.Return(swapped);
            }
        }
        return position;
    }

    /// <summary>Reverses the bytes of each element (little-endian file, big-endian machine); one-byte elements stay.</summary>
    internal static void SwapInPlace<T>(Span<T> values) where T : unmanaged
    {
        switch (System.Runtime.CompilerServices.Unsafe.SizeOf<T>())
        {
            case 2:
                var shorts = MemoryMarshal.Cast<T, short>(values);
                BinaryPrimitives.ReverseEndianness(shorts, shorts);
                break;
            case 4:
                var ints = MemoryMarshal.Cast<T, int>(values);
                BinaryPrimitives.ReverseEndianness(ints, ints);
                break;
            case 8:
                var longs = MemoryMarshal.Cast<T, long>(values);
                BinaryPrimitives.ReverseEndianness(longs, longs);
                break;
        }
    }
}
