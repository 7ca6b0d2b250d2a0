using MiniTorch.Onnx.Tests.Support;
using MiniTorch.Optim;

namespace MiniTorch.Onnx.Tests.Import;

/// <summary>
/// Export → import → forward for the models the exporter supports (MLP, CNN, transfer model): the imported module
/// equals the original (1e-6) and ONNX Runtime on the exported file (1e-4), its parameters and buffers are the
/// original's bit for bit under the same names, and exporting it again gives the same graph.
/// </summary>
public class RoundTripImportTests
{
    private static Sequential Mlp() => new(
        new Linear(64, 32, generator: new Generator(1)), new Relu(), new Dropout(0.2),
        new Linear(32, 16, generator: new Generator(2)), new Gelu(),
        new Linear(16, 10, generator: new Generator(3)));

    private static Sequential Cnn() => new(
        new Conv2d(1, 8, 3, padding: 1, generator: new Generator(4)), new BatchNorm2d(8), new Relu(), new MaxPool2d(2),
        new Conv2d(8, 16, 3, padding: 1, generator: new Generator(5)), new BatchNorm2d(16), new Relu(), new AvgPool2d(2),
        new Flatten(),
        new Linear(16 * 2 * 2, 10, generator: new Generator(6)));

    private static Tensor Images(int batch) => RoundTrip.Randn(batch + 50, batch, 1, 8, 8);

    /// <summary>A few SGD steps, so the weights and BatchNorm statistics are not their initial values.</summary>
    private static void Train(Module model, Tensor inputs, Tensor labels)
    {
        model.Train();
        var optimizer = new Sgd(model.Parameters().Where(p => p.RequiresGrad), lr: 0.05);
        for (int step = 0; step < 3; step++)
        {
            optimizer.ZeroGrad();
            Functional.CrossEntropy(model.Call(inputs), labels).Backward();
            optimizer.Step();
        }
        model.Eval();
    }

    private static Tensor Labels(int batch, int classes) => Tensor.FromArray(Enumerable.Range(0, batch).Select(i => (long)(i % classes)).ToArray());

    private static void CheckRoundTrip(Module model, Func<int, Tensor> input)
    {
        model.Eval();
        var onnx = OnnxExporter.Export(model, input(1), new OnnxExportOptions { OnWarning = _ => { } });
        var imported = OnnxImporter.Import(onnx);
        imported.Eval();
        foreach (int batch in new[] { 1, 5 })
        {
            var x = input(batch);
            using (Autograd.NoGrad())
            {
                var expected = model.Call(x).ToArray<float>();
                var actual = imported.Call(x).ToArray<float>();
                Assert.Equal(expected.Length, actual.Length);
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6, $"batch {batch}, element {i}: original {expected[i]}, imported {actual[i]}");
                }
            }
            var vsRuntime = OnnxCheck.Compare(imported, onnx.Proto, x);
            Assert.True(vsRuntime.IsWithin(1e-4, 1e-4), vsRuntime.Describe(1e-4, 1e-4));
        }
        // Same names, same bits: parameters and persistent buffers (BatchNorm's count is not in the ONNX graph).
        var original = model.StateDict().Where(kv => !kv.Key.EndsWith("num_batches_tracked")).ToDictionary();
        var state = imported.StateDict().Where(kv => !kv.Key.EndsWith("num_batches_tracked")).ToDictionary();
        Assert.Equal(original.Keys.Order(), state.Keys.Order());
        foreach (var (name, tensor) in original)
        {
            Assert.Equal(tensor.Shape, state[name].Shape);
            Assert.Equal(tensor.ToArray<float>(), state[name].ToArray<float>());
        }
        // Export again: the same operators and the same initializer names and values.
        var again = OnnxExporter.Export(imported, input(1), new OnnxExportOptions { OnWarning = _ => { } });
        Assert.Equal(RoundTrip.OpTypes(onnx), RoundTrip.OpTypes(again));
        var first = onnx.Proto.Graph.Initializer.Where(t => t.Name.Contains('.') && !t.Name.Contains('/')).ToDictionary(t => t.Name, t => t.RawData.ToByteArray());
        var second = again.Proto.Graph.Initializer.Where(t => t.Name.Contains('.') && !t.Name.Contains('/')).ToDictionary(t => t.Name, t => t.RawData.ToByteArray());
        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        Assert.All(first, kv => Assert.Equal(kv.Value, second[kv.Key]));
    }

    [Fact]
    public void MultilayerPerceptron()
    {
        var model = Mlp();
        Train(model, RoundTrip.Randn(60, 32, 64), Labels(32, 10));
        CheckRoundTrip(model, b => RoundTrip.Randn(b + 70, b, 64));
    }

    [Fact]
    public void SmallCnn()
    {
        var model = Cnn();
        Train(model, Images(32), Labels(32, 10));
        CheckRoundTrip(model, Images);
    }

    [Fact]
    public void TransferModelWithFrozenBackboneAndHead()
    {
        var backbone = Cnn();
        Train(backbone, Images(32), Labels(32, 10));
        var model = new Sequential();
        model.Add("backbone", new Sequential([.. backbone.Children().Take(9)]));
        model.Add("head", new Sequential(new Dropout(0.3), new Linear(64, 3, generator: new Generator(7))));
        model.GetSubmodule("backbone").Freeze();
        Train(model, Images(24), Labels(24, 3));
        CheckRoundTrip(model, Images);
    }

    [Fact]
    public void LinearOnRank3InputAndLayerNormRoundTripThroughMatMulAdd()
    {
        var model = new Sequential(new Linear(6, 5, generator: new Generator(8)), new LayerNorm(5), new Tanh());
        model.Add("out", new Linear(5, 2, generator: new Generator(9)));
        CheckRoundTrip(model, b => RoundTrip.Randn(b + 80, b, 4, 6));
        var imported = OnnxImporter.Import(OnnxExporter.Export(model, RoundTrip.Randn(1, 1, 4, 6)));
        Assert.Equal(2, imported.Modules().Count(m => m is Linear)); // Transpose + MatMul + Add fused back into a Linear
        Assert.Single(imported.Modules().OfType<LayerNorm>());
    }

    [Fact]
    public void ImportedModelTrainsAndSavesAsSafetensors()
    {
        var model = Cnn();
        model.Eval();
        var imported = OnnxImporter.Import(OnnxExporter.Export(model, Images(1)));
        var before = imported.GetParameter("9.weight")!.ToArray<float>();
        // Freezing one imported submodule (the first Conv2d and its BatchNorm2d) works as on any model.
        imported.GetSubmodule("0").Freeze();
        imported.GetSubmodule("1").Freeze();
        var frozen = imported.StateDict().Where(kv => kv.Key.StartsWith("0.") || kv.Key.StartsWith("1.")).ToDictionary(kv => kv.Key, kv => kv.Value.ToDoubleArray());
        Train(imported, Images(16), Labels(16, 10));
        Assert.NotEqual(before, imported.GetParameter("9.weight")!.ToArray<float>());
        Assert.All(frozen, kv => Assert.Equal(kv.Value, imported.StateDict()[kv.Key].ToDoubleArray()));
        string path = Path.Combine(Path.GetTempPath(), $"minitorch-import-{Guid.NewGuid():N}.safetensors");
        try
        {
            imported.Save(path);
            var copy = OnnxImporter.Import(OnnxExporter.Export(model, Images(1)));
            copy.Load(path);
            Assert.Equal(imported.GetParameter("9.weight")!.ToArray<float>(), copy.GetParameter("9.weight")!.ToArray<float>());
            Assert.Equal(imported.GetBuffer("1.running_mean")!.ToArray<float>(), copy.GetBuffer("1.running_mean")!.ToArray<float>());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
