using System.Buffers.Binary;

namespace MiniTorch.NN.Tests.Serialization;

/// <summary>Safetensors.Open, MiniTorch's safe_open: the header now, each tensor (or slice) on request.</summary>
public class SafetensorsLazyTests
{
    private static OrderedDictionary<string, Tensor> Sample() => new()
    {
        ["w"] = Tensor.Randn([5, 3, 2], generator: new Generator(1)),
        ["b"] = Tensor.Randn([4], DType.Float64, new Generator(2)),
        ["s"] = Tensor.Scalar(2.5),
        ["e"] = Tensor.Zeros(0, 3),
    };

    [Fact]
    public void ListsNamesDTypesShapesAndMetadataWithoutReadingData()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.safetensors");
        Safetensors.Save(path, Sample(), new Dictionary<string, string> { ["format"] = "pt" });
        long dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path));
        using var file = Safetensors.Open(path);
        Assert.Equal(["w", "b", "s", "e"], file.Keys);
        Assert.Equal("pt", file.Metadata["format"]);
        var w = file.GetInfo("w");
        Assert.Equal(("F32", DType.Float32, 30L, 0L, 120L), (w.FileDType, w.DType, w.Numel, w.DataBegin, w.DataEnd));
        Assert.Equal([5, 3, 2], w.Shape);
        Assert.Equal(("F64", DType.Float64, 32L), (file.GetInfo("b").FileDType, file.GetInfo("b").DType, file.GetInfo("b").ByteLength));
        Assert.Empty(file.GetInfo("s").Shape);
        Assert.True(file.Contains("e") && !file.Contains("x"));
        Assert.Equal(["w", "b", "s", "e"], file.Tensors.Select(t => t.Name));
        Assert.Equal(dataStart, file.BytesRead); // the length prefix and the header, nothing more
        var missing = Assert.Throws<KeyNotFoundException>(() => file.GetInfo("x"));
        Assert.Contains("has no tensor named 'x'", missing.Message);
    }

    [Fact]
    public void SingleTensorAndSliceLoadsEqualTheFullLoad()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.safetensors");
        Safetensors.Save(path, Sample());
        var full = Safetensors.Load(path);
        using var file = Safetensors.Open(path);
        long header = file.BytesRead;
        var b = file.GetTensor("b");
        Assert.Equal(header + 32, file.BytesRead); // exactly b's bytes
        Assert.Equal(DType.Float64, b.DType);
        Assert.Equal(full["b"].ToDoubleArray(), b.ToDoubleArray());
        Assert.Equal(full["s"].Item(), file.GetTensor("s").Item());
        Assert.Equal([0, 3], file.GetTensor("e").Shape);

        var rows = file.GetSlice("w", 1, 3);
        Assert.Equal(header + 32 + 4 + 2 * 6 * 4, file.BytesRead); // b, s, then only rows 1 and 2 of w
        Assert.Equal([2, 3, 2], rows.Shape);
        Assert.Equal(full["w"].Narrow(0, 1, 2).ToDoubleArray(), rows.ToDoubleArray());
        // Python's slice bounds: negative from the end, clamped past either end, empty when start >= end.
        Assert.Equal(full["w"].Narrow(0, 3, 2).ToDoubleArray(), file.GetSlice("w", -2, 100).ToDoubleArray());
        Assert.Equal(full["w"].ToDoubleArray(), file.GetSlice("w", -100, 5).ToDoubleArray());
        Assert.Equal([0, 3, 2], file.GetSlice("w", 4, 2).Shape);
        Assert.Equal(full["b"].Narrow(0, 3, 1).ToDoubleArray(), file.GetSlice("b", 3, 4).ToDoubleArray());
        var scalar = Assert.Throws<ArgumentException>(() => file.GetSlice("s", 0, 1));
        Assert.Contains("0-dim", scalar.Message);
    }

    [Fact]
    public void IntegerAndBoolSlicesReadOnlyTheirRowsInTheirDType()
    {
        using var dir = new TempDirectory();
        var data = new byte[32 + 6];
        BinaryPrimitives.WriteInt64LittleEndian(data, 5);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), -6);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(24), (1L << 53) + 1);
        byte[] mask = [1, 0, 0, 1, 9, 1]; // BOOL [3, 2]: row 2 holds a 9, which is no boolean
        mask.CopyTo(data, 32);
        string header = "{\"n\":{\"dtype\":\"I64\",\"shape\":[4],\"data_offsets\":[0,32]},\"m\":{\"dtype\":\"BOOL\",\"shape\":[3,2],\"data_offsets\":[32,38]}}";
        string path = SafetensorsTests.Save(dir, header, data);
        using var file = Safetensors.Open(path);
        Assert.Equal(DType.Int64, file.GetInfo("n").DType);
        Assert.Equal(DType.Bool, file.GetInfo("m").DType);
        Assert.Equal(new long[] { 5, -6, 0 }, file.GetSlice("n", 0, 3).ToArray<long>());
        Assert.Equal(new long[] { 0, (1L << 53) + 1 }, file.GetSlice("n", -2, 4).ToArray<long>());
        var rows = file.GetSlice("m", 0, 2);
        Assert.Equal([2, 2], rows.Shape);
        Assert.Equal(new[] { true, false, false, true }, rows.ToArray<bool>());
        var e = Assert.Throws<SafetensorsFormatException>(() => file.GetSlice("m", 1, 3));
        Assert.Contains("tensor 'm' (BOOL) holds the byte 9 at element 4", e.Problem);
    }

    [Fact]
    public void ADisposedHandleAndAFileCutAfterOpeningAreClearErrors()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.safetensors");
        Safetensors.Save(path, Sample());
        var file = Safetensors.Open(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.SetLength(stream.Length - 20); // data: w [0, 120), b [120, 152), s [152, 156); the cut falls inside b
        }
        Assert.Equal(120 / 4, file.GetTensor("w").Numel); // w lies before the cut
        var cut = Assert.Throws<SafetensorsFormatException>(() => file.GetTensor("b"));
        Assert.Contains("truncated after it was opened", cut.Problem);
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.GetTensor("w"));
        // Opening validates the header before any data: the cut file is reported at once.
        Assert.Throws<SafetensorsFormatException>(() => Safetensors.Open(path).Dispose());
    }

    [Fact]
    public void NonStrictModuleLoadReadsOnlyTheModulesTensors()
    {
        // 'extra' holds a BOOL byte that is no boolean, so reading it would throw: the load succeeds only because it
        // never reads the tensors the model does not have.
        using var dir = new TempDirectory();
        var source = new Linear(3, 2, generator: new Generator(1));
        var state = source.StateDict();
        var data = new byte[32];
        LittleEndianBytes(state["weight"]).CopyTo(data, 0);
        string header = "{\"weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},\"extra\":{\"dtype\":\"BOOL\",\"shape\":[8],\"data_offsets\":[24,32]}}";
        data[30] = 7;
        string path = SafetensorsTests.Save(dir, header, data);
        Assert.Throws<SafetensorsFormatException>(() => Safetensors.Load(path));

        var target = new Linear(3, 2, generator: new Generator(7));
        double[] bias = target.StateDict()["bias"].ToDoubleArray();
        var result = target.Load(path, strict: false);
        Assert.Equal(["bias"], result.MissingKeys);
        Assert.Equal(["extra"], result.UnexpectedKeys);
        Assert.Equal(state["weight"].ToDoubleArray(), target.StateDict()["weight"].ToDoubleArray());
        Assert.Equal(bias, target.StateDict()["bias"].ToDoubleArray());

        // Strict: keys and shapes are checked from the header, before any data is read, and nothing changes.
        var strict = new Linear(3, 2, generator: new Generator(8));
        double[] before = strict.StateDict()["weight"].ToDoubleArray();
        var e = Assert.Throws<StateDictException>(() => strict.Load(path));
        Assert.Equal(["bias"], e.MissingKeys);
        Assert.Equal(["extra"], e.UnexpectedKeys);
        Assert.Equal(before, strict.StateDict()["weight"].ToDoubleArray());
    }

    private static byte[] LittleEndianBytes(Tensor t)
    {
        float[] values = t.ToArray<float>();
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        }
        return bytes;
    }
}
