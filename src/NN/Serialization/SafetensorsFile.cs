using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MiniTorch.NN;

/// <summary>
/// An open safetensors file whose header has been read and validated but whose tensors are read only on request:
/// MiniTorch's <c>safetensors.safe_open</c>. Listing names, dtypes, shapes and metadata reads no tensor data;
/// <see cref="GetTensor"/> and <see cref="GetSlice"/> read exactly the bytes of what they return, straight into
/// the new tensor's memory, with positioned reads (so files and tensors of any size up to .NET's array limit work,
/// and loading holds no second copy of the data).
/// </summary>
/// <remarks>
/// Open with <see cref="Safetensors.Open"/> and dispose to close the file. Reads are positioned, so one handle may be
/// used from several threads. Every header field and byte range is checked at open, before any data is read; a file
/// that changes length afterwards is reported, not read past.
/// </remarks>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>Bytes moved per read call: large enough that system-call overhead vanishes, small enough for any span.</summary>
    private const int ChunkBytes = 1 << 26;

    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;
    private readonly List<SafetensorsTensorInfo> _entries;
    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;
    private readonly string[] _keys;
    private long _bytesRead;

    private SafetensorsFile(string path, SafeFileHandle handle, long dataStart, List<SafetensorsTensorInfo> entries, Dictionary<string, string> metadata, long headerBytes)
    {
        Path = path;
        _handle = handle;
        _dataStart = dataStart;
        _entries = entries;
        _keys = new string[entries.Count];
        _byName = new Dictionary<string, SafetensorsTensorInfo>(entries.Count, StringComparer.Ordinal);
        for (int i = 0; i < entries.Count; i++)
        {
            _keys[i] = entries[i].Name;
            _byName.Add(entries[i].Name, entries[i]);
        }
        Metadata = metadata;
        _bytesRead = headerBytes;
    }

    /// <summary>The file, as given to <see cref="Safetensors.Open"/>.</summary>
    public string Path { get; }

    /// <summary>The tensor names in header order (Python's <c>keys()</c>).</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>What the header says about each tensor, in header order.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors => _entries;

    /// <summary>The <c>__metadata__</c> map (empty if absent), Python's <c>metadata()</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The bytes read from the file so far, header included: listing the tensors adds nothing, loading one adds its size.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Whether the file holds a tensor of this name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The dtype, shape and byte range of one tensor, from the header (no data is read).</summary>
    /// <exception cref="KeyNotFoundException">The file has no tensor of this name.</exception>
    public SafetensorsTensorInfo GetInfo(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out var info)
            ? info
            : throw new KeyNotFoundException($"Safetensors file '{Path}' has no tensor named '{name}' (it has {_keys.Length} tensors{(_keys.Length > 0 ? ", e.g. '" + _keys[0] + "'" : "")}).");
    }

    /// <summary>Reads one tensor (Python's <c>get_tensor(name)</c>) in the dtype of <see cref="SafetensorsTensorInfo.DType"/>: F32 as Float32, I64 as Int64, BOOL as Bool, and so on.</summary>
    /// <exception cref="NotSupportedException">The tensor has more elements than one managed array can hold; read it in parts with <see cref="GetSlice"/>.</exception>
    public Tensor GetTensor(string name)
    {
        var info = GetInfo(name);
        return Read(info, 0, info.Numel, info.ShapeArray);
    }

    /// <summary>
    /// Reads rows <c>[start, end)</c> of a tensor's first dimension without reading the rest: Python's
    /// <c>get_slice(name)[start:end]</c>. As in Python, a negative index counts from the end and indices past either
    /// end are clamped, so the result may be empty.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is 0-dimensional (PyTorch: a slice cannot be applied to a 0-dim tensor).</exception>
    public Tensor GetSlice(string name, int start, int end)
    {
        var info = GetInfo(name);
        int[] shape = info.ShapeArray;
        if (shape.Length == 0)
        {
            throw new ArgumentException($"SafetensorsFile.GetSlice: tensor '{name}' of '{Path}' is 0-dimensional; a slice cannot be applied to a 0-dim tensor.", nameof(name));
        }
        int rows = shape[0];
        long from = Clamp(start, rows), to = Clamp(end, rows);
        to = Math.Max(from, to);
        long rowNumel = 1;
        for (int i = 1; i < shape.Length; i++)
        {
            rowNumel *= shape[i];
        }
        int[] sliceShape = shape.AsSpan().ToArray();
        sliceShape[0] = (int)(to - from);
        return Read(info, from * rowNumel, (to - from) * rowNumel, sliceShape);
    }

    /// <summary>Every tensor, in header order.</summary>
    public OrderedDictionary<string, Tensor> LoadAll()
    {
        var tensors = new OrderedDictionary<string, Tensor>(_entries.Count, StringComparer.Ordinal);
        foreach (var info in _entries)
        {
            tensors.Add(info.Name, Read(info, 0, info.Numel, info.ShapeArray));
        }
        return tensors;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();

    internal static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long length = RandomAccess.GetLength(handle);
            if (length < 8)
            {
                throw Bad(path, $"the file is truncated: it has {length} bytes, fewer than the 8-byte header length that starts every safetensors file.");
            }
            Span<byte> prefix = stackalloc byte[8];
            ReadExactly(handle, path, prefix, 0, "the header length");
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > Safetensors.MaxHeaderLength)
            {
                throw Bad(path, $"the header length field says {headerLength} bytes, more than the limit of {Safetensors.MaxHeaderLength}; the file is corrupted or not safetensors.");
            }
            if (headerLength > (ulong)(length - 8))
            {
                throw Bad(path, $"the file is truncated or not safetensors: the header length field says {headerLength} bytes but only {length - 8} bytes follow it.");
            }
            var header = new byte[(int)headerLength];
            ReadExactly(handle, path, header, 8, "the header");
            long dataStart = 8 + (long)headerLength;
            var (entries, metadata) = SafetensorsHeader.Parse(path, header, length - dataStart);
            return new SafetensorsFile(path, handle, dataStart, entries, metadata, dataStart);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static long Clamp(int index, int size)
    {
        long i = index < 0 ? (long)index + size : index;
        return Math.Clamp(i, 0, size);
    }

    /// <summary>Reads <paramref name="count"/> elements from element <paramref name="first"/> of a tensor's data into a new tensor of <paramref name="shape"/>.</summary>
    private Tensor Read(SafetensorsTensorInfo info, long first, long count, int[] shape)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (count > Array.MaxLength)
        {
            throw new NotSupportedException($"Safetensors file '{Path}': tensor '{info.Name}' of shape {SafetensorsHeader.Format(shape)} has {count} elements ({count * info.ElementSize} bytes), more than the {Array.MaxLength} elements one .NET array (and so one MiniTorch tensor) can hold; read it in parts with GetSlice.");
        }
        long offset = _dataStart + info.DataBegin + first * info.ElementSize;
        int n = (int)count;
        return info.DType switch
        {
            DType.Float32 => Read<float>(info, offset, n, shape),
            DType.Float64 => Read<double>(info, offset, n, shape),
            DType.Int64 => Read<long>(info, offset, n, shape),
            DType.Int32 => Read<int>(info, offset, n, shape),
            DType.Bool => ReadBool(info, offset, first, n, shape),
            DType.UInt8 => Read<byte>(info, offset, n, shape),
            DType.Float16 => Read<Half>(info, offset, n, shape),
            _ => Read<BFloat16>(info, offset, n, shape),
        };
    }

    /// <summary>Reads the elements straight into the array that becomes the tensor's storage (the bytes are little-endian in the file).</summary>
    private Tensor Read<T>(SafetensorsTensorInfo info, long offset, int n, int[] shape) where T : unmanaged
    {
        T[] values = GC.AllocateUninitializedArray<T>(n);
        ReadElements(values.AsSpan(), offset, info.Name);
        if (!BitConverter.IsLittleEndian)
        {
            SafetensorsWriter.SwapInPlace(values.AsSpan());
        }
        return Tensor.WrapArray(values, shape);
    }

    /// <summary>
    /// BOOL is one byte per element, and only 0 and 1 are booleans: any other byte is a corrupted file (a .NET bool
    /// holding 2 would compare unequal to <c>true</c>), reported with the tensor and the element, as the safetensors
    /// reference implementation does not check it but PyTorch's own bool kernels assume it.
    /// </summary>
    private Tensor ReadBool(SafetensorsTensorInfo info, long offset, long first, int n, int[] shape)
    {
        bool[] values = GC.AllocateUninitializedArray<bool>(n);
        ReadElements(values.AsSpan(), offset, info.Name);
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        int bad = bytes.IndexOfAnyExcept((byte)0, (byte)1);
        if (bad >= 0)
        {
            throw Bad(Path, $"tensor '{info.Name}' (BOOL) holds the byte {bytes[bad]} at element {first + bad}; a BOOL element must be 0 or 1.");
        }
        return Tensor.WrapArray(values, shape);
    }

    private unsafe void ReadElements<T>(Span<T> target, long offset, string name) where T : unmanaged
    {
        int perChunk = ChunkBytes / sizeof(T);
        int chunks = (int)(((long)target.Length + perChunk - 1) / perChunk);
        if (chunks < 2 || Environment.ProcessorCount < 2)
        {
            for (int i = 0; i < target.Length; i += perChunk)
            {
                var bytes = MemoryMarshal.AsBytes(target.Slice(i, Math.Min(perChunk, target.Length - i)));
                ReadExactly(_handle, Path, bytes, offset, $"tensor '{name}'");
                offset += bytes.Length;
                Interlocked.Add(ref _bytesRead, bytes.Length);
            }
            return;
        }
        // A large tensor's chunks are read on several threads: most of a load's time is the kernel faulting in and
        // zeroing the fresh pages of the destination, which goes as fast as the cores that touch them.
        fixed (T* pinned = target)
        {
            nint address = (nint)pinned;
            int length = target.Length;
            try
            {
                Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(Environment.ProcessorCount, 4) }, c =>
                {
                    int first = c * perChunk;
                    int count = Math.Min(perChunk, length - first);
                    var bytes = new Span<byte>((byte*)address + (long)first * sizeof(T), count * sizeof(T));
                    ReadExactly(_handle, Path, bytes, offset + (long)first * sizeof(T), $"tensor '{name}'");
                    Interlocked.Add(ref _bytesRead, bytes.Length);
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }
    }

    private static void ReadExactly(SafeFileHandle handle, string path, Span<byte> target, long offset, string what)
    {
        while (target.Length > 0)
        {
            int read = RandomAccess.Read(handle, target, offset);
            if (read == 0)
            {
                throw Bad(path, $"the file ended at byte {offset} while reading {what}; it was truncated after it was opened.");
            }
            target = target[read..];
            offset += read;
        }
    }

    private static SafetensorsFormatException Bad(string path, string problem) => new(path, problem);
}
