using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace MiniTorch.NN.Tests.Serialization;

/// <summary>Gigabyte files run alone: they need memory and disk bandwidth, and the peak-memory test measures the whole process.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class LargeFileCollection
{
    public const string Name = "Gigabyte safetensors files";
}

/// <summary>Files and tensors past 2 GB, and the memory loading costs (issue: checkpoints of real size).</summary>
[Collection(LargeFileCollection.Name)]
public class SafetensorsLargeFileTests(ITestOutputHelper output)
{
    private const long TwoGB = 1L << 31;

    [Fact]
    public void ATensorOver2GBRoundTrips()
    {
        // 550M floats = 2.2 GB: one tensor whose byte length overflows an int, in a file over 2 GB, between a tensor
        // before it and one after byte 2^31, so three tensors lie across the 2 GB offset. Segment k of 1M elements
        // holds k, so a chunk written or read at the wrong offset cannot go unnoticed.
        const int segment = 1 << 20, segments = 525, n = segment * segments;
        var total = Stopwatch.StartNew();
        using var dir = new TempDirectory();
        string path = dir.File("big.safetensors");
        var tensor = Tensor.Zeros([n]);
        for (int k = 1; k < segments; k++)
        {
            tensor.Narrow(0, k * segment, segment).FillInPlace(k);
        }
        tensor.Narrow(0, n - 1, 1).FillInPlace(-3);
        var clock = Stopwatch.StartNew();
        Safetensors.Save(path, new OrderedDictionary<string, Tensor>
        {
            ["a"] = Tensor.FromArray(new double[] { 7, 8 }),
            ["w"] = tensor,
            ["c"] = Tensor.FromArray(new double[] { -1.5, 0, 2.25 }),
        });
        double saveSeconds = clock.Elapsed.TotalSeconds;
        long fileLength = new FileInfo(path).Length;
        Assert.True(fileLength > (long)n * 4 && fileLength > TwoGB);
        tensor = null!;
        GC.Collect();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        clock.Restart();
        var loaded = Safetensors.Load(path);
        double loadSeconds = clock.Elapsed.TotalSeconds;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        output.WriteLine($"{fileLength / 1e9:F2} GB: save {saveSeconds:F1} s ({fileLength / 1e6 / saveSeconds:F0} MB/s, fsync included), load {loadSeconds:F1} s ({fileLength / 1e6 / loadSeconds:F0} MB/s); load allocated {allocated / 1e9:F2} GB, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:F2} GB");
        using (var lazy = Safetensors.Open(path))
        {
            Assert.Equal((16L, 16L + 4L * n), (lazy.GetInfo("w").DataBegin, lazy.GetInfo("w").DataEnd));
            Assert.True(lazy.GetInfo("c").DataBegin > TwoGB);
        }
        File.Delete(path);

        Assert.Equal(["a", "w", "c"], loaded.Keys);
        Assert.Equal(new double[] { 7, 8 }, loaded["a"].ToDoubleArray());
        Assert.Equal(new double[] { -1.5, 0, 2.25 }, loaded["c"].ToDoubleArray());
        var w = loaded["w"];
        Assert.Equal((0, 1, 2), (w.GetValue(0), w.GetValue(segment), w.GetValue(2 * segment)));
        Assert.Equal([n], w.Shape);
        Assert.Equal(DType.Float32, w.DType);
        // Row k of the segments holds k everywhere exactly when its minimum and maximum are both k.
        var rows = w.Narrow(0, 0, n - segment).Reshape(segments - 1, segment);
        double[] max = rows.Max(1).Values.ToDoubleArray(), min = rows.Min(1).Values.ToDoubleArray();
        for (int k = 0; k < segments - 1; k++)
        {
            Assert.True(min[k] == k && max[k] == k, $"segment {k} holds values in [{min[k]}, {max[k]}], expected only {k}");
        }
        var last = w.Narrow(0, n - segment, segment - 1);
        Assert.Equal((segments - 1, segments - 1), (last.Min().Item(), last.Max().Item()));
        Assert.Equal(-3, w.GetValue(n - 1));
        output.WriteLine($"the whole test took {total.Elapsed.TotalSeconds:F1} s");
        // The load read the file into the tensors' own arrays: no copy of the file, no second copy of a tensor.
        Assert.InRange(allocated, fileLength - 4096, fileLength + (64 << 20));
    }

    [Fact]
    public void TensorsPastThe2GBOffsetReadLazilyWithTheirValuesAtBothEnds()
    {
        // a: F32 [100M] in [0, 400 MB); b: F64 [225k, 1000] in [400 MB, 2.2 GB), across byte 2^31; c: I64 [3] after it.
        // The file is written sparse, by hand: only the values at each tensor's ends are stored. The lazy handle reads
        // the ends alone (the full load of a file this size is ATensorOver2GBRoundTrips).
        const long aCount = 100_000_000, bCount = 225_000_000;
        long bBegin = aCount * 4, cBegin = bBegin + bCount * 8, end = cBegin + 24;
        Assert.True(bBegin < TwoGB && cBegin > TwoGB);
        string header = $"{{\"a\":{{\"dtype\":\"F32\",\"shape\":[{aCount}],\"data_offsets\":[0,{bBegin}]}},"
            + $"\"b\":{{\"dtype\":\"F64\",\"shape\":[{bCount / 1000},1000],\"data_offsets\":[{bBegin},{cBegin}]}},"
            + $"\"c\":{{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[{cBegin},{end}]}}}}";
        using var dir = new TempDirectory();
        string path = dir.File("sparse.safetensors");
        long dataStart;
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            dataStart = WriteHeader(file, header);
            file.SetLength(dataStart + end);
            Put(file, dataStart, BitConverter.GetBytes(1.5f));
            Put(file, dataStart + bBegin - 4, BitConverter.GetBytes(-2.5f));
            Put(file, dataStart + bBegin, BitConverter.GetBytes(3.25));
            Put(file, dataStart + TwoGB, BitConverter.GetBytes(0.75)); // the first element of b past byte 2^31
            Put(file, dataStart + cBegin - 8, BitConverter.GetBytes(-4.125));
            Put(file, dataStart + cBegin, BitConverter.GetBytes(1L << 40));
            Put(file, dataStart + end - 8, BitConverter.GetBytes(-9L));
        }
        using var lazy = Safetensors.Open(path);
        Assert.Equal(new double[] { 1.5 }, lazy.GetSlice("a", 0, 1).ToDoubleArray());
        Assert.Equal(new double[] { 0, -2.5 }, lazy.GetSlice("a", -2, (int)aCount).ToDoubleArray());
        Assert.Equal([(int)(bCount / 1000), 1000], lazy.GetInfo("b").Shape);
        var first = lazy.GetSlice("b", 0, 1);
        Assert.Equal((3.25, 0.0), (first.GetValue(0, 0), first.GetValue(0, 999)));
        // Row r of b starts at byte bBegin + 8000 r of the data section: read the rows around 2^31.
        long past = (TwoGB - bBegin) / 8, row = past / 1000;
        var rows = lazy.GetSlice("b", (int)row - 1, (int)row + 2);
        Assert.Equal([3, 1000], rows.Shape);
        double[] around = rows.ToDoubleArray();
        Assert.Equal(0.75, around[1000 + past % 1000]);
        Assert.Equal(0.75, around.Sum());
        Assert.Equal(-4.125, lazy.GetSlice("b", -1, int.MaxValue).GetValue(0, 999));
        Assert.Equal(new long[] { 1L << 40, 0, -9 }, lazy.GetTensor("c").ToArray<long>());
        Assert.Equal(dataStart + 4 + 8 + 8000 + 3 * 8000 + 8000 + 24, lazy.BytesRead);
    }

    [Fact]
    public void LoadingA1GBFileCostsAbout1GBOfMemory()
    {
        // Two F32 tensors of 512 MiB, sparse on disk. The issue's bound: peak memory under 1.3 GB above the baseline.
        const long count = 1L << 27, bytes = count * 4;
        string header = $"{{\"x\":{{\"dtype\":\"F32\",\"shape\":[{count}],\"data_offsets\":[0,{bytes}]}},\"y\":{{\"dtype\":\"F32\",\"shape\":[{count}],\"data_offsets\":[{bytes},{2 * bytes}]}}}}";
        using var dir = new TempDirectory();
        string path = dir.File("1gb.safetensors");
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            long dataStart = WriteHeader(file, header);
            file.SetLength(dataStart + 2 * bytes);
            Put(file, dataStart + 2 * bytes - 4, BitConverter.GetBytes(6f));
        }
        // Give the memory of earlier tests back to the system, so that the load's pages are counted, not reused.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        long baseline = process.WorkingSet64;
        File.WriteAllText("/proc/self/clear_refs", "5"); // Linux: reset the peak resident set size (VmHWM) to the current one
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var loaded = Safetensors.Load(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        long peak = PeakResidentBytes();
        Assert.Equal(6, loaded["y"].GetValue((int)count - 1));
        GC.KeepAlive(loaded);
        output.WriteLine($"1 GiB file: peak resident {(peak - baseline) / 1e9:F2} GB above the baseline of {baseline / 1e9:F2} GB; load allocated {allocated / 1e9:F3} GB");
        Assert.InRange(peak - baseline, 2 * bytes - (64 << 20), 1_300_000_000);
        Assert.InRange(allocated, 2 * bytes, 2 * bytes + (16 << 20));
    }

    [Fact]
    public void ATensorTooLargeForOneArrayIsAClearErrorAndLoadsBySlices()
    {
        // 2^31 floats (8 GiB, sparse on disk): a valid file, but more elements than one .NET array holds.
        const long count = 1L << 31, bytes = count * 4;
        using var dir = new TempDirectory();
        string path = dir.File("huge.safetensors");
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            long dataStart = WriteHeader(file, $"{{\"h\":{{\"dtype\":\"F32\",\"shape\":[{count / 4},4],\"data_offsets\":[0,{bytes}]}}}}");
            file.SetLength(dataStart + bytes);
            Put(file, dataStart + bytes - 4, BitConverter.GetBytes(2.5f));
        }
        using var lazy = Safetensors.Open(path);
        Assert.Equal([(int)(count / 4), 4], lazy.GetInfo("h").Shape);
        var e = Assert.Throws<NotSupportedException>(() => lazy.GetTensor("h"));
        Assert.Contains($"tensor 'h' of shape [{count / 4}, 4] has {count} elements ({bytes} bytes), more than the {Array.MaxLength} elements one .NET array", e.Message);
        Assert.Contains("huge.safetensors", e.Message);
        Assert.Throws<NotSupportedException>(() => Safetensors.Load(path));
        var last = lazy.GetSlice("h", -2, int.MaxValue);
        Assert.Equal(new double[] { 0, 0, 0, 0, 0, 0, 0, 2.5 }, last.ToDoubleArray());
    }

    private static long PeakResidentBytes()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
            }
        }
        throw new InvalidOperationException("/proc/self/status has no VmHWM line.");
    }

    /// <summary>Writes the length and the header, padded to 8 bytes; returns where the data section starts.</summary>
    internal static long WriteHeader(Stream file, string header)
    {
        var json = Encoding.UTF8.GetBytes(header.PadRight((header.Length + 7) / 8 * 8));
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
        file.Write(length);
        file.Write(json);
        return 8 + json.Length;
    }

    private static void Put(FileStream file, long offset, byte[] bytes)
    {
        file.Position = offset;
        file.Write(bytes);
    }
}
