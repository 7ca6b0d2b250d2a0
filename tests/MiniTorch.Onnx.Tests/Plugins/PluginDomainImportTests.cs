namespace MiniTorch.Onnx.Tests.Plugins;

/// <summary>
/// A plugin op lowered as a function in a domain that is not the plugin's name (tests/Plugins/DomainPlugin: domain
/// com.example.scaled, version 2, one attribute passed to an ONNX float attribute) exports with its provenance and
/// imports back as the plugin's op; without the plugin, the error names the plugin and its file from the metadata.
/// </summary>
[Collection(PluginFixture.Collection)]
public class PluginDomainImportTests
{
    private const string Op = "scaled_leaky_relu";

    /// <summary>The plugin, validated with its lowering cross-checked in ONNX Runtime (float64 and float32).</summary>
    private static PluginHost Load()
    {
        var host = new PluginHost();
        host.Load(PluginFixture.Path("DomainPlugin"), new PluginLoadOptions { Validation = new OpCheckOptions { CrossCheck = new OnnxRuntimeCrossCheck() } });
        return host;
    }

    private static Tensor Input(int batch, DType dtype, int seed) => (Tensor.Randn([batch, 5], dtype, new Generator(seed)) * 3).Detach();

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void AnOpInItsOwnDomainAndVersionImportsBackAsThePluginsOp(DType dtype)
    {
        using var host = Load();
        var attributes = PluginFixture.Attributes(("slope", 0.375), ("scale", -1.5));
        Tensor Call(Tensor x) => host.Ops.Invoke(Op, [x], attributes);
        var onnx = OnnxExporter.Export(Call, Input(2, dtype, 1));

        var node = Assert.Single(onnx.Proto.Graph.Node);
        Assert.Equal(("com.example.scaled", Op), (node.Domain, node.OpType));
        Assert.Contains(onnx.Proto.OpsetImport, o => o.Domain == "com.example.scaled" && o.Version == 2);
        Assert.Equal("scaled-ops 2.1.0 (DomainPlugin.dll)", Assert.Single(onnx.Proto.MetadataProps, p => p.Key == "minitorch.plugin_op.com.example.scaled::scaled_leaky_relu").Value);
        Assert.Equal(global::Onnx.AttributeProto.Types.AttributeType.Float, node.Attribute.Single(a => a.Name == "slope").Type);

        var imported = OnnxImporter.Import(onnx);
        var x = Input(4, dtype, 2).SetRequiresGrad();
        var y = imported.Call(x);
        Assert.Equal("ScaledLeakyReluBackward", y.GradFn?.Name);
        Assert.Equal(Call(x).ToDoubleArray(), y.ToDoubleArray());
        var report = OnnxCheck.Compare(imported, onnx.Proto, x.Detach());
        Assert.True(report.MaxAbsoluteError <= (dtype == DType.Float64 ? 1e-14 : 1e-6), report.ToString());
        if (dtype == DType.Float64)
        {
            Assert.True(GradCheck.Check(xs => imported.Call(xs[0]), [x]));
        }
    }

    [Fact]
    public void AnAttributeWrittenAsAnOnnxFloatComesBackRoundedTo32Bits()
    {
        using var host = Load();
        var onnx = OnnxExporter.Export(x => host.Ops.Invoke(Op, [x], PluginFixture.Attributes(("slope", 0.1))), Input(2, DType.Float64, 1));
        var imported = OnnxImporter.Import(onnx);
        var x = -Input(3, DType.Float64, 2).Abs(); // the leaky side, where the slope shows
        // What ONNX Runtime computes too: the slope is an ONNX float. Values stay within float rounding of the original.
        Assert.Equal(host.Ops.Invoke(Op, [x], PluginFixture.Attributes(("slope", (double)0.1f))).ToDoubleArray(), imported.Call(x).ToDoubleArray());
        var original = host.Ops.Invoke(Op, [x], PluginFixture.Attributes(("slope", 0.1))).ToDoubleArray();
        var actual = imported.Call(x).ToDoubleArray();
        Assert.NotEqual(original, actual);
        for (int i = 0; i < original.Length; i++)
        {
            Assert.True(Math.Abs(original[i] - actual[i]) <= 2e-8 * Math.Abs(original[i]), $"element {i}: {original[i]} vs {actual[i]}");
        }
    }

    [Fact]
    public void WithoutThePluginTheErrorNamesItFromTheModelsMetadataThoughTheDomainIsAnother()
    {
        OnnxModel onnx;
        using (var host = Load())
        {
            onnx = OnnxExporter.Export(x => host.Ops.Invoke(Op, x), Input(2, DType.Float32, 1));
        }
        var error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(onnx));
        Assert.Contains($"com.example.scaled::{Op} node '", error.Message);
        Assert.Contains($"op '{Op}' of custom domain 'com.example.scaled' is not provided by any source in OnnxImportOptions.CustomOps. " +
            $"The model was exported with op '{Op}' of plugin scaled-ops 2.1.0 (DomainPlugin.dll); no plugin 'scaled-ops' is loaded in any PluginHost. " +
            "Load it into a PluginHost before importing (host.Load(\"…/DomainPlugin.dll\")", error.Message);
    }
}
