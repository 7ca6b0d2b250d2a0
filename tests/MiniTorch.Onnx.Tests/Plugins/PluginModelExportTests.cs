namespace MiniTorch.Onnx.Tests.Plugins;

/// <summary>
/// A model built from a plugin's module types and ops exports like any other and agrees with ONNX Runtime; with the
/// plugin unloaded, or an op without a lowering, the export error names the plugin, the op and what to do.
/// </summary>
[Collection(PluginFixture.Collection)]
public class PluginModelExportTests
{
    /// <summary>Built-in layers around every module type of the sample plugin, with attribute variants.</summary>
    private static Sequential Model(PluginHost host, DType dtype)
    {
        var generator = new Generator(5);
        var model = new Sequential(
            new Linear(6, 8, generator: generator),
            host.Modules.Create("Swish", PluginFixture.Attributes(("beta", 1.5))),
            host.Modules.Create("LinearGelu", PluginFixture.Attributes(("inFeatures", 8), ("outFeatures", 8))),
            host.Modules.Create("Softplus", PluginFixture.Attributes(("beta", 2), ("threshold", 1))),
            new Linear(8, 8, generator: generator),
            host.Modules.Create("Mish"),
            host.Modules.Create("SiLU"),
            new Linear(8, 3, generator: generator));
        model.To(dtype);
        return model;
    }

    [Theory]
    [InlineData(DType.Float32, 1e-5)]
    [InlineData(DType.Float64, 1e-12)]
    public void AModelWithPluginModulesExportsAndEqualsMiniTorchInOnnxRuntime(DType dtype, double tolerance)
    {
        using var host = PluginFixture.Activations();
        var model = Model(host, dtype);
        model.Eval();
        var onnx = OnnxExporter.Export(model, Tensor.Randn([1, 6], dtype, new Generator(1)));

        Assert.Contains(onnx.Proto.Graph.Node, n => n.Domain == "activations" && n.OpType == "mish");
        Assert.Contains(onnx.Proto.Graph.Node, n => n.Domain == "activations" && n.OpType == "softplus");
        Assert.Equal(["mish", "softplus"], onnx.Proto.Functions.Select(f => f.Name));
        foreach (int batch in new[] { 1, 5 })
        {
            var report = OnnxCheck.AssertClose(onnx, model, Tensor.Randn([batch, 6], dtype, new Generator(batch + 10)) * 2, tolerance, 0);
            Assert.True(report.Outputs.Single().MaxAbsoluteError <= tolerance);
        }
    }

    [Fact]
    public void WithThePluginUnloadedTheExportErrorNamesThePluginAndTheOpAndSaysToLoadIt()
    {
        using var host = PluginFixture.Activations();
        var model = Model(host, DType.Float32);
        host.Unload("activations");
        // The modules still hold the plugin's code and run, but the plugin, and with it its lowerings, is gone.
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(model, Tensor.Randn([2, 6])));
        Assert.Contains("op 'activations::swish' in '1'", error.Message);
        Assert.Contains("is op 'swish' of plugin 'activations', which is not loaded in any PluginHost", error.Message);
        Assert.Contains("load it (host.Load(", error.Message);
    }

    [Fact]
    public void AnOpCalledByNameAfterItsPluginIsUnloadedFailsWhileTracingWithTheRegistrysError()
    {
        using var host = PluginFixture.Activations();
        host.Unload("activations");
        var error = Assert.Throws<KeyNotFoundException>(() => OnnxExporter.Export(x => host.Ops.Invoke("swish", x), Tensor.Randn([2, 3])));
        Assert.Equal("No loaded plugin provides an op named 'swish'; no ops are loaded; load a plugin first.", error.Message);
    }

    [Fact]
    public void AnOpWithoutALoweringIsTheExportersErrorNamingPluginOpAndHowToDeclareOne()
    {
        using var host = new PluginHost();
        host.Load(PluginFixture.Path("WrongGradientPlugin"), new PluginLoadOptions { RequireValidation = false });
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(x => host.Ops.Invoke("cube", x).Relu(), Tensor.Randn([2, 3])));
        Assert.StartsWith("ONNX export: op 'wrong-gradient::cube' (inputs [2, 3]) is op 'cube' of plugin wrong-gradient 1.0.0 (", error.Message);
        Assert.Contains("which declares no ONNX lowering. Declare one on the op's OpDefinition in the plugin: OnnxLowering = OnnxOpLowering.Compose(", error.Message);
        Assert.Contains("OnnxOpLowering.Function(", error.Message);
    }
}
