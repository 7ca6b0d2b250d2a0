using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace MiniTorch.NN.Tests.Serialization;

/// <summary>
/// Every dtype both ways with PyTorch. MiniTorch → torch: <c>Golden/dtypes/minitorch.safetensors</c> is what
/// MiniTorch writes for <see cref="Sample"/> (a test checks the committed file is still exactly that), and
/// <c>tools/golden/check_minitorch_safetensors.py</c> loads it with torch 1.13 and records what torch read in
/// <c>torch_read_minitorch.json</c> (with the file's SHA-256, so a stale verdict fails), which is compared here with
/// the values <see cref="Sample"/> defines.
/// </summary>
/// <remarks>
/// Regenerate after a deliberate change: <c>MINITORCH_WRITE_DTYPE_SAFETENSORS=1 dotnet test tests/MiniTorch.NN.Tests
/// --filter SafetensorsDTypeInterop</c>, then <c>/usr/bin/python3 tools/golden/check_minitorch_safetensors.py</c>.
/// </remarks>
public class SafetensorsDTypeInteropTests
{
    private const string Written = "minitorch.safetensors";
    private const string Verdict = "torch_read_minitorch.json";

    /// <summary>One tensor of each dtype with its edge values, a strided Int64 view, an Int64 scalar and an empty Bool tensor.</summary>
    internal static OrderedDictionary<string, Tensor> Sample()
    {
        var i64 = Tensor.FromArray([long.MinValue, -1, 0, long.MaxValue, 1L << 53, -(1L << 53) - 1], [2, 3]);
        return new OrderedDictionary<string, Tensor>
        {
            ["f32"] = Tensor.FromArray(new float[] { 0, -0f, 1.5f, float.NaN, float.PositiveInfinity, float.MaxValue }, [2, 3]),
            ["f64"] = Tensor.FromArray(new double[] { 0.1, -1e-300, double.NegativeInfinity }),
            ["i64"] = i64,
            ["i64_transposed"] = i64.Transpose(0, 1), // not contiguous: the writer gathers it
            ["num_batches_tracked"] = Tensor.FromArray([7L], []),
            ["i32"] = Tensor.FromArray([int.MinValue, -2, int.MaxValue]).To(DType.Int32),
            ["bool"] = Tensor.FromArray(new[] { true, false, false, true }, [2, 2]),
            ["bool_empty"] = Tensor.FromArray(Array.Empty<bool>(), [0, 3]),
            ["u8"] = Tensor.FromArray(new byte[] { 0, 1, 127, 255 }),
            ["f16"] = Tensor.FromArray(new[] { (Half)0.5, (Half)(-65504), Half.Epsilon, Half.NaN, (Half)(1.0 / 3) }),
            ["bf16"] = Tensor.FromArray(new[] { (BFloat16)1f, (BFloat16)(-3.140625f), (BFloat16)1e38f, (BFloat16)float.NegativeInfinity }),
        };
    }

    [Fact]
    public void TheCommittedFileIsWhatMiniTorchWrites()
    {
        using var dir = new TempDirectory();
        string path = dir.File("sample.safetensors");
        Safetensors.Save(path, Sample());
        byte[] bytes = File.ReadAllBytes(path);
        if (Environment.GetEnvironmentVariable("MINITORCH_WRITE_DTYPE_SAFETENSORS") == "1")
        {
            File.WriteAllBytes(Path.Combine(SourceDirectory(), Written), bytes);
        }
        Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(Golden.PathOf("dtypes/" + Written))),
            $"Golden/dtypes/{Written} is not what MiniTorch writes for the sample; regenerate it (see this class's remarks) and rerun the torch check.");
    }

    [Fact]
    public void TorchReadsEveryDTypeMiniTorchWritesWithItsValues()
    {
        using var verdict = JsonDocument.Parse(File.ReadAllBytes(Golden.PathOf("dtypes/" + Verdict)));
        var root = verdict.RootElement;
        Assert.StartsWith("1.13", root.GetProperty("torch").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Golden.PathOf("dtypes/" + Written)))), root.GetProperty("file_sha256").GetString());
        var read = root.GetProperty("tensors");
        var sample = Sample();
        Assert.Equal(sample.Keys, read.EnumerateObject().Select(p => p.Name));
        foreach (var (name, tensor) in sample)
        {
            var seen = read.GetProperty(name);
            Assert.Equal(tensor.DType.TorchName(), seen.GetProperty("dtype").GetString());
            Assert.Equal(tensor.Shape, seen.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            var values = seen.GetProperty("values").EnumerateArray().ToArray();
            string[] expected = Texts(tensor);
            Assert.Equal(expected, values.Select(Text));
        }
    }

    /// <summary>
    /// torch → MiniTorch: the files tools/golden/generate_dtype_safetensors.py wrote from torch 1.13 tensors' own
    /// bytes (one per dtype, and all.safetensors with every dtype in safetensors' dtype-sorted data order, a 0-dim I64
    /// num_batches_tracked and an empty tensor) load with torch's dtype, shape, values and, for F16/BF16, bits.
    /// </summary>
    [Fact]
    public void FilesWrittenByTorchLoadWithTheirDTypesAndValues()
    {
        using var expected = JsonDocument.Parse(File.ReadAllBytes(Golden.PathOf("dtypes/expected.json")));
        int tensors = 0;
        foreach (var file in expected.RootElement.GetProperty("files").EnumerateObject())
        {
            string path = Golden.PathOf("dtypes/" + file.Name);
            var whole = Safetensors.Load(path);
            using var lazy = Safetensors.Open(path);
            foreach (var entry in file.Value.EnumerateObject())
            {
                var e = entry.Value;
                string what = $"{file.Name}:{entry.Name}";
                var t = whole[entry.Name];
                Assert.True(e.GetProperty("torch_dtype").GetString() == t.DType.TorchName(), what);
                Assert.Equal(e.GetProperty("dtype").GetString(), lazy.GetInfo(entry.Name).FileDType);
                Assert.Equal(e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()), t.Shape);
                Assert.Equal([.. e.GetProperty("data").EnumerateArray().Select(Text)], Texts(t));
                if (e.TryGetProperty("bits", out var bits))
                {
                    ushort[] actual = t.DType == DType.Float16
                        ? [.. t.ToArray<Half>().Select(BitConverter.HalfToUInt16Bits)]
                        : [.. t.ToArray<BFloat16>().Select(b => b.Bits)];
                    Assert.Equal(bits.EnumerateArray().Select(b => (ushort)b.GetInt32()), actual);
                }
                Assert.Equal(Texts(t), Texts(lazy.GetTensor(entry.Name)));
                tensors++;
            }
        }
        Assert.True(tensors >= 18, $"expected.json lists {tensors} tensors");
        // PyTorch's 0-dim I64 count goes into BatchNorm's Int64 buffer unchanged.
        Assert.Equal(DType.Int64, Safetensors.Load(Golden.PathOf("dtypes/all.safetensors"))["num_batches_tracked"].DType);
    }

    [Fact]
    public void EveryDTypeRoundTripsThroughMiniTorchWholeAndLazily()
    {
        using var dir = new TempDirectory();
        string path = dir.File("all.safetensors");
        var sample = Sample();
        Safetensors.Save(path, sample);
        var loaded = Safetensors.Load(path);
        using var lazy = Safetensors.Open(path);
        foreach (var (name, tensor) in sample)
        {
            Assert.Equal(tensor.DType, loaded[name].DType);
            Assert.Equal(tensor.DType, lazy.GetInfo(name).DType);
            Assert.Equal(tensor.Shape, loaded[name].Shape);
            Assert.Equal(Texts(tensor), Texts(loaded[name]));
            if (tensor.Rank > 0 && tensor.Shape[0] > 0)
            {
                Assert.Equal(Texts(tensor.Narrow(0, tensor.Shape[0] - 1, 1)), Texts(lazy.GetSlice(name, -1, int.MaxValue)));
            }
        }
        using (var sharded = new TempDirectory())
        {
            Safetensors.SaveSharded(sharded.Path, sample, maxShardSize: 40);
            using var checkpoint = Safetensors.OpenCheckpoint(sharded.Path);
            Assert.True(checkpoint.Files.Count > 1);
            foreach (var (name, tensor) in sample)
            {
                Assert.Equal(Texts(tensor), Texts(checkpoint.GetTensor(name)));
            }
        }
    }

    /// <summary>Each element as invariant text ("nan", "inf", "-0"), so every dtype compares exactly, -0 and NaN included.</summary>
    internal static string[] Texts(Tensor t) => t.DType switch
    {
        DType.Float32 => [.. t.ToArray<float>().Select(v => Float(v))],
        DType.Float64 => [.. t.ToArray<double>().Select(Float)],
        DType.Float16 => [.. t.ToArray<Half>().Select(v => Float((double)v))],
        DType.BFloat16 => [.. t.ToArray<BFloat16>().Select(v => Float((double)v))],
        DType.Int64 => [.. t.ToArray<long>().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        DType.Int32 => [.. t.ToArray<int>().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        DType.UInt8 => [.. t.ToArray<byte>().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        _ => [.. t.ToArray<bool>().Select(v => v ? "true" : "false")],
    };

    private static string Float(double v) => double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf"
        : v == 0 && double.IsNegative(v) ? "-0" : v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A JSON value from the torch check: a number, true/false, or "nan"/"inf"/"-inf" for what JSON cannot hold.</summary>
    internal static string Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.String => v.GetString()!,
        _ => v.TryGetInt64(out long l) && !v.GetRawText().Contains('.') && !v.GetRawText().Contains('e') ? l.ToString(System.Globalization.CultureInfo.InvariantCulture) : Float(v.GetDouble()),
    };

    private static string SourceDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(thisFile)!)!, "Golden", "dtypes");
}
