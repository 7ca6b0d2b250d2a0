using System.Buffers.Binary;
using System.Text.Json;

namespace MiniTorch.NN.Tests.Serialization;

/// <summary>Weights move between PyTorch and MiniTorch: Golden/model.safetensors was written from a PyTorch model's state dict.</summary>
public class PyTorchInteropTests
{
    /// <summary>The SmallCnn of tools/golden/generate_nn_golden.py, with the same parameter names.</summary>
    private sealed class SmallCnn : Module
    {
        private readonly Sequential _features;
        private readonly Linear _head;

        public SmallCnn()
        {
            _features = RegisterModule("features", new Sequential(new Conv2d(1, 2, 3, padding: 1), new BatchNorm2d(2), new Relu(), new MaxPool2d(2)));
            _head = RegisterModule("head", new Linear(2 * 2 * 2, 3));
        }

        protected override Tensor Forward(Tensor input) => _head.Call(_features.Call(input).Flatten(1));
    }

    private static JsonElement Expected() => JsonDocument.Parse(File.ReadAllBytes(Golden.PathOf("model.json"))).RootElement;

    [Fact]
    public void APyTorchStateDictLoadsAndGivesPyTorchsOutput()
    {
        var expected = Expected();
        var (tensors, metadata) = Safetensors.LoadWithMetadata(Golden.PathOf("model.safetensors"));
        Assert.Equal(expected.GetProperty("keys").EnumerateArray().Select(k => k.GetString()), tensors.Keys);
        Assert.Equal("pt", metadata["format"]);
        var model = new SmallCnn();
        Assert.Equal(tensors.Keys, model.StateDict().Keys);
        model.Load(Golden.PathOf("model.safetensors"));
        // PyTorch's int64 num_batches_tracked arrives in MiniTorch's Int64 buffer.
        Assert.Equal(DType.Int64, tensors["features.1.num_batches_tracked"].DType);
        Assert.Equal(expected.GetProperty("num_batches_tracked").GetInt64(), model.GetBuffer("features.1.num_batches_tracked")!.ToArray<long>()[0]);
        model.Eval();
        var y = model.Call(Golden.Tensor(expected, "input", DType.Float32));
        Check.Close(Golden.Tensor(expected, "output"), y, 1e-5, 1e-5, "model output");
    }

    [Fact]
    public void MiniTorchWritesTheSameDTypesAndBytesAsPyTorch()
    {
        using var dir = new TempDirectory();
        var model = new SmallCnn();
        model.Load(Golden.PathOf("model.safetensors"));
        string ours = dir.File("ours.safetensors");
        model.Save(ours);
        var theirs = Layout(Golden.PathOf("model.safetensors"));
        var mine = Layout(ours);
        Assert.Equal(theirs.Keys, mine.Keys);
        foreach (var (name, (dtype, bytes)) in theirs)
        {
            Assert.Equal(dtype, mine[name].DType);
            Assert.Equal(bytes, mine[name].Bytes);
        }
        Assert.Equal("I64", mine["features.1.num_batches_tracked"].DType); // as PyTorch writes it
        var reloaded = new SmallCnn();
        reloaded.Load(ours);
        Assert.Equal(model.StateDict().Keys, reloaded.StateDict().Keys);
    }

    /// <summary>Each tensor's dtype and raw bytes, read with nothing but the format's definition.</summary>
    private static Dictionary<string, (string DType, byte[] Bytes)> Layout(string path)
    {
        var file = File.ReadAllBytes(path);
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using var header = JsonDocument.Parse(file.AsMemory(8, n));
        var result = new Dictionary<string, (string, byte[])>();
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                continue;
            }
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt32()).ToArray();
            result[entry.Name] = (entry.Value.GetProperty("dtype").GetString()!, file[(8 + n + offsets[0])..(8 + n + offsets[1])]);
        }
        return result;
    }
}
