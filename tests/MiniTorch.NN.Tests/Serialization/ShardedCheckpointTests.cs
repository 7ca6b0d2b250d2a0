using System.Text.Json;

namespace MiniTorch.NN.Tests.Serialization;

/// <summary>Checkpoints in Hugging Face's sharded layout: model-0000k-of-0000N.safetensors plus model.safetensors.index.json.</summary>
public class ShardedCheckpointTests
{
    private const string Index = "model.safetensors.index.json";

    /// <summary>The TinyModel of tools/golden/generate_sharded_golden.py, with the same parameter names.</summary>
    private sealed class TinyModel : Module
    {
        private readonly Sequential _encoder;
        private readonly BatchNorm1d _norm;
        private readonly Linear _head;

        public TinyModel(int seed = 1)
        {
            _encoder = RegisterModule("encoder", new Sequential(new Linear(6, 16, generator: new Generator(seed)), new LayerNorm(16), new Gelu(), new Linear(16, 16, generator: new Generator(seed + 1))));
            _norm = RegisterModule("norm", new BatchNorm1d(16));
            _head = RegisterModule("head", new Linear(16, 3, generator: new Generator(seed + 2)));
        }

        protected override Tensor Forward(Tensor input) => _head.Call(_norm.Call(_encoder.Call(input)));
    }

    private static string GoldenDirectory => Golden.PathOf("sharded");

    private static JsonElement Expected() => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(GoldenDirectory, "expected.json"))).RootElement;

    private static Dictionary<string, string> WeightMap(string index)
    {
        var map = new Dictionary<string, string>();
        foreach (var p in JsonDocument.Parse(File.ReadAllBytes(index)).RootElement.GetProperty("weight_map").EnumerateObject())
        {
            map.Add(p.Name, p.Value.GetString()!);
        }
        return map;
    }

    [Fact]
    public void ACheckpointShardedByPyTorchConventionsLoadsAndGivesPyTorchsOutput()
    {
        var expected = Expected();
        foreach (string path in new[] { GoldenDirectory, Path.Combine(GoldenDirectory, Index) })
        {
            var model = new TinyModel();
            Assert.Equal(expected.GetProperty("keys").EnumerateArray().Select(k => k.GetString()), model.StateDict().Keys);
            var result = model.Load(path);
            Assert.Empty(result.MissingKeys);
            Assert.Equal(expected.GetProperty("num_batches_tracked").GetInt32(), model.GetBuffer("norm.num_batches_tracked")!.ToArray<long>()[0]);
            model.Eval();
            Check.Close(Golden.Tensor(expected, "output"), model.Call(Golden.Tensor(expected, "input", DType.Float32)), 1e-5, 1e-5, "model output");
        }
        using var checkpoint = Safetensors.OpenCheckpoint(GoldenDirectory);
        Assert.Equal(4, checkpoint.Files.Count);
        Assert.Equal(2132, checkpoint.TotalSize);
        Assert.Equal(Path.Combine(GoldenDirectory, Index), checkpoint.IndexPath);
        Assert.Equal(expected.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).Order(), checkpoint.Keys.Order());
        Assert.Equal(DType.Int64, checkpoint.GetInfo("norm.num_batches_tracked").DType); // stored as I64 by PyTorch
        Assert.Equal([16, 6], checkpoint.GetTensor("encoder.0.weight").Shape);
        Assert.Equal("pt", checkpoint.Files[0].Metadata["format"]);
    }

    [Fact]
    public void MiniTorchShardsAsHuggingFaceDoesAndRoundTrips()
    {
        using var dir = new TempDirectory();
        var model = new TinyModel();
        model.Load(GoldenDirectory);
        var written = model.Save(dir.Path, maxShardSize: Expected().GetProperty("max_shard_size").GetInt64());
        string[] shards = [.. Enumerable.Range(1, 4).Select(k => Path.Combine(dir.Path, $"model-{k:D5}-of-00004.safetensors"))];
        Assert.Equal([.. shards, Path.Combine(dir.Path, Index)], written);
        // The same split as huggingface_hub's (an oversized tensor gets a shard of its own, before the one being filled).
        Assert.Equal(WeightMap(Path.Combine(GoldenDirectory, Index)), WeightMap(written[^1]));
        using (var index = JsonDocument.Parse(File.ReadAllBytes(written[^1])))
        {
            long sum = model.StateDict().Values.Sum(t => (long)t.Numel * t.DType.ElementSize()); // num_batches_tracked is I64, as PyTorch's
            Assert.Equal(2132, sum); // the total_size of PyTorch's index of the same model

            Assert.Equal(sum, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
            Assert.Equal(index.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal),
                index.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => p.Name)); // sorted, as sort_keys=True
        }
        Assert.Equal("pt", Safetensors.LoadWithMetadata(shards[0]).Metadata["format"]);

        var copy = new TinyModel(seed: 9);
        copy.Load(dir.Path);
        model.Eval();
        copy.Eval();
        var x = Tensor.Randn([4, 6], generator: new Generator(3));
        Check.Close(model.Call(x), copy.Call(x), 0, 0);
        using var checkpoint = Safetensors.OpenCheckpoint(dir.Path);
        // Shards in name order, each in state-dict order: the oversized encoder.3.weight has shard 2 to itself.
        Assert.Equal(["encoder.0.weight", "encoder.0.bias", "encoder.3.weight", "encoder.1.weight"], checkpoint.Keys.Take(4));
        Assert.Equal(model.StateDict().Keys.Order(), checkpoint.Keys.Order());
    }

    [Fact]
    public void SavingReplacesTheFilesOfAnEarlierCheckpoint()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.json"), "{}");
        var model = new TinyModel();
        model.Save(dir.Path, maxShardSize: 500);
        Assert.Equal(6, Directory.GetFiles(dir.Path).Length);
        model.Save(dir.Path, maxShardSize: 1100); // fewer shards: the four old ones go
        Assert.Equal(["config.json", "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors", Index], Names(dir));
        var single = model.Save(dir.Path, maxShardSize: Safetensors.DefaultMaxShardSize); // one shard: one file, no index, as transformers
        Assert.Equal([dir.File("model.safetensors")], single);
        Assert.Equal(["config.json", "model.safetensors"], Names(dir));
        new TinyModel(seed: 5).Load(dir.Path);
        model.Save(dir.Path, maxShardSize: 500);
        Assert.DoesNotContain("model.safetensors", Names(dir));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Save(dir.Path, maxShardSize: 0));
    }

    [Fact]
    public void AnIndexNamingAMissingShardIsAClearError()
    {
        using var dir = CopyOfGolden();
        File.Delete(dir.File("model-00002-of-00004.safetensors"));
        var e = Assert.Throws<SafetensorsFormatException>(() => new TinyModel().Load(dir.Path));
        Assert.Equal(dir.File(Index), e.FilePath);
        Assert.Contains("weight_map puts tensor 'encoder.3.weight' in shard 'model-00002-of-00004.safetensors', which does not exist", e.Problem);
    }

    [Fact]
    public void ATensorNamedTwiceIsAClearError()
    {
        using var dir = CopyOfGolden();
        string text = File.ReadAllText(dir.File(Index));
        File.WriteAllText(dir.File(Index), text.Replace("\"head.bias\": \"model-00004-of-00004.safetensors\",", "\"head.bias\": \"model-00004-of-00004.safetensors\",\n    \"head.bias\": \"model-00001-of-00004.safetensors\","));
        var twice = Assert.Throws<SafetensorsFormatException>(() => Safetensors.OpenCheckpoint(dir.Path));
        Assert.Contains("weight_map names tensor 'head.bias' twice", twice.Problem);

        // Stored in two shards: the index names one, the other shard's header holds it too.
        var a = new Dictionary<string, Tensor> { ["x"] = Tensor.Ones(2), ["y"] = Tensor.Ones(1) };
        var b = new Dictionary<string, Tensor> { ["y"] = Tensor.Zeros(1) };
        var e = Assert.Throws<SafetensorsFormatException>(() => Safetensors.OpenCheckpoint(Checkpoint(dir, ("a", a), ("b", b), """{"x": "a", "y": "b"}""")));
        Assert.Contains("tensor 'y' is in shard 'a' as well as in 'b', where weight_map puts it", e.Problem);
    }

    [Fact]
    public void AnIndexThatDisagreesWithItsShardsIsAClearError()
    {
        using var dir = new TempDirectory();
        var a = new Dictionary<string, Tensor> { ["x"] = Tensor.Ones(2) };
        var b = new Dictionary<string, Tensor> { ["y"] = Tensor.Ones(1), ["z"] = Tensor.Ones(1) };
        string Fails(string weightMap, string? whole = null) => Assert.Throws<SafetensorsFormatException>(
            () => Safetensors.OpenCheckpoint(Checkpoint(dir, ("a", a), ("b", b), weightMap, whole))).Problem;
        Assert.Contains("weight_map puts tensor 'w' in shard 'a', whose header has no such tensor", Fails("""{"x": "a", "w": "a"}"""));
        Assert.Contains("shard 'b' holds tensor 'z', which weight_map does not list", Fails("""{"x": "a", "y": "b"}"""));
        Assert.Contains("weight_map puts tensor 'x' in '../a', which is not the name of a file beside the index", Fails("""{"x": "../a"}"""));
        Assert.Contains("the index has no 'weight_map'", Fails("", """{"metadata": {"total_size": 8}}"""));
        Assert.Contains("'weight_map' must be an object", Fails("", """{"weight_map": ["a"]}"""));
        Assert.Contains("not well-formed JSON", Fails("", """{"weight_map": {"x": "a"}"""));
        Assert.Contains("'metadata.total_size' must be a non-negative whole number", Fails("", """{"metadata": {"total_size": -1}, "weight_map": {"x": "a"}}"""));
        Assert.Contains("weight_map entry for tensor 'x' must be a shard file name", Fails("""{"x": 1}"""));
        // Lone surrogate escapes are valid JSON but no text: a format error, not System.Text.Json's InvalidOperationException.
        Assert.Contains("a tensor name in 'weight_map' is not valid Unicode text", Fails("""{"\ud800x": "a"}"""));
        Assert.Contains("the shard file name of tensor 'x' is not valid Unicode text", Fails("""{"x": "\ud800x"}"""));
        Assert.Contains("a name in the index is not valid Unicode text", Fails("", """{"\udc00": 1, "weight_map": {"x": "a"}}"""));
        // A consistent index opens.
        using (var ok = Safetensors.OpenCheckpoint(Checkpoint(dir, ("a", a), ("b", b), """{"x": "a", "y": "b", "z": "b"}""")))
        {
            Assert.Equal(["x", "y", "z"], ok.Keys);
            Assert.Equal(12, ok.TotalSize);
        }
        // A corrupted shard is reported with the shard's own path.
        File.WriteAllBytes(dir.File("a"), [1, 2, 3]);
        var corrupt = Assert.Throws<SafetensorsFormatException>(() => Safetensors.OpenCheckpoint(dir.File("index.json")));
        Assert.Equal(dir.File("a"), corrupt.FilePath);
        using var empty = new TempDirectory();
        Assert.Contains("has neither model.safetensors nor model.safetensors.index.json", Assert.Throws<FileNotFoundException>(() => new TinyModel().Load(empty.Path)).Message);
    }

    [Fact]
    public void StrictLoadingOfAShardedCheckpointListsEveryProblem()
    {
        var model = new Sequential(new Linear(6, 16), new Linear(16, 2));
        var e = Assert.Throws<StateDictException>(() => model.Load(GoldenDirectory));
        Assert.Contains("1.weight", e.MissingKeys);
        Assert.Contains("norm.num_batches_tracked", e.UnexpectedKeys);
        // Non-strict: only the head is read; the other eleven tensors are reported, not loaded.
        var head = new HeadOnly();
        var result = head.Load(GoldenDirectory, strict: false);
        Assert.Empty(result.MissingKeys);
        Assert.Equal(11, result.UnexpectedKeys.Count);
        using var checkpoint = Safetensors.OpenCheckpoint(GoldenDirectory);
        Assert.Equal(checkpoint.GetTensor("head.weight").ToDoubleArray(), head.StateDict()["head.weight"].ToDoubleArray());
    }

    private sealed class HeadOnly : Module
    {
        private readonly Linear _head;

        public HeadOnly() => _head = RegisterModule("head", new Linear(16, 3));

        protected override Tensor Forward(Tensor input) => _head.Call(input);
    }

    private static string[] Names(TempDirectory dir) => [.. Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    private static TempDirectory CopyOfGolden()
    {
        var dir = new TempDirectory();
        foreach (string file in Directory.GetFiles(GoldenDirectory))
        {
            File.Copy(file, dir.File(Path.GetFileName(file)));
        }
        return dir;
    }

    /// <summary>Two shard files and an index (by its weight_map, or whole) in <paramref name="dir"/>; returns the index path.</summary>
    private static string Checkpoint(TempDirectory dir, (string Name, Dictionary<string, Tensor> Tensors) a, (string Name, Dictionary<string, Tensor> Tensors) b, string weightMap, string? whole = null)
    {
        Safetensors.Save(dir.File(a.Name), a.Tensors);
        Safetensors.Save(dir.File(b.Name), b.Tensors);
        File.WriteAllText(dir.File("index.json"), whole ?? $"{{\"metadata\": {{\"total_size\": 12}}, \"weight_map\": {weightMap}}}");
        return dir.File("index.json");
    }
}
