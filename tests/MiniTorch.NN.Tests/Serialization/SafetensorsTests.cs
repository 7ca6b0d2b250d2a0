using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace MiniTorch.NN.Tests.Serialization;

public class SafetensorsTests
{
    [Fact]
    public void RoundTripKeepsNamesOrderDTypesShapesValuesAndMetadata()
    {
        using var dir = new TempDirectory();
        var tensors = new OrderedDictionary<string, Tensor>
        {
            ["w"] = Tensor.Randn([3, 4], generator: new Generator(1)),
            ["a.b"] = Tensor.Randn([2], DType.Float64, new Generator(2)),
            ["scalar"] = Tensor.Scalar(2.5),
            ["empty"] = Tensor.Zeros(0, 3),
            ["transposed"] = Tensor.Arange(6.0).Reshape(2, 3).T,
        };
        string path = dir.File("t.safetensors");
        Safetensors.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode" });
        var (loaded, metadata) = Safetensors.LoadWithMetadata(path);
        Assert.Equal(tensors.Keys, loaded.Keys);
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.DType, loaded[name].DType);
            Assert.Equal(t.Shape, loaded[name].Shape);
            Assert.Equal(t.ToDoubleArray(), loaded[name].ToDoubleArray());
        }
        Assert.Equal("ünïcode", metadata["note"]);
        Assert.Empty(Safetensors.LoadWithMetadata(Save(dir, "{\"x\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", new byte[4])).Metadata);
    }

    [Fact]
    public void TheFileFollowsTheFormat()
    {
        using var dir = new TempDirectory();
        string path = dir.File("f.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray(new float[] { 1, -2 }), ["y"] = Tensor.FromArray(new double[] { 0.5 }) });
        var bytes = File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + n) % 8); // header padded so the data is 8-byte aligned
        Assert.Equal(8 + n + 8 + 8, bytes.Length);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        var x = header.RootElement.GetProperty("x");
        Assert.Equal("F32", x.GetProperty("dtype").GetString());
        Assert.Equal([0, 8], x.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("F64", header.RootElement.GetProperty("y").GetProperty("dtype").GetString());
        Assert.Equal([8, 16], header.RootElement.GetProperty("y").GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(-2f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)(8 + n) + 4)));
        Assert.Equal(0.5, BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan((int)(8 + n) + 8)));
    }

    [Fact]
    public void SavingIsAtomicAndLeavesNoTemporaryFiles()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        var model = new Linear(3, 2, generator: new Generator(1));
        model.Save(path);
        model.Save(path); // overwrite
        Assert.Equal(["model.safetensors"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        var bad = new Dictionary<string, string> { ["k"] = null! };
        Assert.Throws<ArgumentException>(() => model.Save(path, bad));
        // The failed save touched nothing: the previous file still loads.
        new Linear(3, 2).Load(path);
        // A failure at the final rename (the target is a directory) removes the temporary file.
        string blocked = dir.File("blocked");
        Directory.CreateDirectory(blocked);
        Assert.ThrowsAny<IOException>(() => model.Save(blocked));
        Assert.Equal(["model.safetensors"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void ModuleSaveAndLoadRoundTrip()
    {
        using var dir = new TempDirectory();
        var a = new Sequential(new Conv2d(1, 2, 3, generator: new Generator(1)), new BatchNorm2d(2), new Flatten(), new Linear(8, 2, generator: new Generator(2)));
        a.Call(Tensor.Randn([3, 1, 4, 4], generator: new Generator(3)));
        a.Save(dir.File("a.safetensors"), new Dictionary<string, string> { ["epoch"] = "3" });
        var b = new Sequential(new Conv2d(1, 2, 3, generator: new Generator(9)), new BatchNorm2d(2), new Flatten(), new Linear(8, 2, generator: new Generator(8)));
        b.Load(dir.File("a.safetensors"));
        a.Eval();
        b.Eval();
        var x = Tensor.Randn([2, 1, 4, 4], generator: new Generator(4));
        Check.Close(a.Call(x), b.Call(x), 0, 0);
        Assert.Equal("3", Safetensors.LoadWithMetadata(dir.File("a.safetensors")).Metadata["epoch"]);
        var wrong = new Sequential(new Linear(2, 2));
        var e = Assert.Throws<StateDictException>(() => wrong.Load(dir.File("a.safetensors")));
        Assert.Contains("Unexpected key(s) in state_dict: \"1.weight\"", e.Message);
        Assert.Contains("size mismatch for 0.weight: copying a param with shape [2, 1, 3, 3] from checkpoint, the shape in current model is [2, 2]", e.Message);
    }

    [Fact]
    public void SaveRejectsBadNames()
    {
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentException>(() => Safetensors.Save(dir.File("x"), new Dictionary<string, Tensor> { ["__metadata__"] = Tensor.Ones(1) }));
        Assert.Throws<ArgumentException>(() => Safetensors.Save(dir.File("x"), [new("a", Tensor.Ones(1)), new("a", Tensor.Ones(1))]));
        Assert.Throws<ArgumentException>(() => Safetensors.Save(dir.File("x"), new Dictionary<string, Tensor> { [""] = Tensor.Ones(1) }));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    /// <summary>Writes a file with the given header text and data section, with a correct length prefix.</summary>
    internal static string Save(TempDirectory dir, string header, byte[] data, string name = "c.safetensors")
    {
        var text = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + text.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)text.Length);
        text.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + text.Length);
        string path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
