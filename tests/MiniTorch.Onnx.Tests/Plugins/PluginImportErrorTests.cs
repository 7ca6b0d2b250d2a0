using Google.Protobuf;

namespace MiniTorch.Onnx.Tests.Plugins;

/// <summary>
/// Importing custom-domain nodes without the plugin that provides them, with another version of it, or with attributes
/// and inputs the plugin op does not have, is an <see cref="OnnxImportException"/> naming the node, the domain, the op
/// and what to load.
/// </summary>
[Collection(PluginFixture.Collection)]
public class PluginImportErrorTests
{
    private static OnnxModel ExportWithPlugin()
    {
        using var host = PluginFixture.Activations();
        return OnnxExporter.Export(PluginModelImportTests.Model(host, DType.Float32), PluginModelImportTests.Input(1, DType.Float32, 1));
    }

    [Fact]
    public void TheExporterRecordsWhichPluginEachFunctionCameFrom()
    {
        var metadata = ExportWithPlugin().Proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(new Dictionary<string, string>
        {
            ["minitorch.plugin_op.activations::mish"] = "activations 1.0.0 (ActivationsPlugin.dll)",
            ["minitorch.plugin_op.activations::softplus"] = "activations 1.0.0 (ActivationsPlugin.dll)",
        }, metadata);
    }

    [Fact]
    public void WithoutThePluginEveryCustomNodeIsNamedWithThePluginToLoadAndHow()
    {
        var onnx = ExportWithPlugin(); // the host is disposed: no plugin is loaded any more
        var error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(onnx));

        Assert.Contains("3 node(s) cannot be imported:", error.Message);
        var mish = onnx.Proto.Graph.Node.Single(n => n.OpType == "mish");
        Assert.Contains($"  activations::mish node '{mish.Name}' (#", error.Message);
        Assert.Contains("op 'mish' of custom domain 'activations' is not provided by any source in OnnxImportOptions.CustomOps. " +
            "The model was exported with op 'mish' of plugin activations 1.0.0 (ActivationsPlugin.dll); no plugin 'activations' is loaded in any PluginHost. " +
            "Load it into a PluginHost before importing (host.Load(\"…/ActivationsPlugin.dll\"), or host.LoadFolder(\"plugins\")), " +
            "or pass the host that has it: OnnxImportOptions.CustomOps = [new PluginOnnxOps(host)].", error.Message);
        Assert.Contains("op 'softplus' of custom domain 'activations' is not provided", error.Message);
    }

    [Fact]
    public void AModelWithoutProvenanceStillSaysWhichPluginWouldProvideTheDomain()
    {
        var onnx = ExportWithPlugin();
        onnx.Proto.MetadataProps.Clear();
        var error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(onnx));
        Assert.Contains("By default a plugin's function domain is its name, so it would be a plugin named 'activations'; no plugin 'activations' is loaded in any PluginHost. " +
            "Load it into a PluginHost before importing (host.Load(\"…/<Plugin>.dll\")", error.Message);
    }

    [Fact]
    public void AHostGivenInTheOptionsIsTheOnlyOneSearched()
    {
        using var loaded = PluginFixture.Activations();
        using var empty = new PluginHost();
        var onnx = OnnxExporter.Export(x => loaded.Ops.Invoke("mish", x), PluginModelImportTests.Input(2, DType.Float32, 1));
        var error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(onnx, new OnnxImportOptions { CustomOps = [new PluginOnnxOps(empty)] }));
        Assert.Contains("no plugin 'activations' is loaded in the PluginHost given to PluginOnnxOps.", error.Message);

        var imported = OnnxImporter.Import(onnx, new OnnxImportOptions { CustomOps = [new PluginOnnxOps(loaded)] });
        var x = PluginModelImportTests.Input(3, DType.Float32, 2);
        Assert.Equal(loaded.Ops.Invoke("mish", x).ToArray<float>(), imported.Call(x).ToArray<float>());

        var none = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(onnx, new OnnxImportOptions { CustomOps = [] }));
        Assert.Contains("(the list is empty; the default, PluginOnnxOps.AllLoaded, maps such nodes to the ops of loaded plugins)", none.Message);
    }

    [Fact]
    public void ADomainVersionOtherThanTheLoadedOpsIsRefused()
    {
        using var host = PluginFixture.Activations();
        var onnx = OnnxExporter.Export(x => host.Ops.Invoke("mish", x), PluginModelImportTests.Input(2, DType.Float32, 1));
        onnx.Proto.OpsetImport.Single(o => o.Domain == "activations").Version = 2;
        var error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(onnx.Proto.ToByteArray()));
        Assert.Contains("the model imports domain 'activations' at version 2, but op 'mish' of plugin activations 1.0.0 (", error.Message);
        Assert.Contains(") implements version 1; load the version of the plugin the model was exported with.", error.Message);
    }

    [Fact]
    public void AnAttributeOrInputCountTheOpDoesNotHaveIsNamed()
    {
        using var host = PluginFixture.Activations();
        var onnx = OnnxExporter.Export(x => host.Ops.Invoke("softplus", x), PluginModelImportTests.Input(2, DType.Float32, 1));
        var node = Assert.Single(onnx.Proto.Graph.Node);
        node.Attribute.Add(new global::Onnx.AttributeProto { Name = "treshold", Type = global::Onnx.AttributeProto.Types.AttributeType.Float, F = 1 });
        var error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(onnx.Proto.ToByteArray()));
        Assert.Contains("attribute 'treshold' is not one of the attributes of op 'softplus' of plugin activations 1.0.0 (", error.Message);
        Assert.Contains(") (beta, threshold).", error.Message);

        node.Attribute.RemoveAt(node.Attribute.Count - 1);
        node.Input.Add(node.Input[0]);
        error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(onnx.Proto.ToByteArray()));
        Assert.Contains("the node has 2 input(s), but op 'softplus' of plugin activations 1.0.0 (", error.Message);
    }

    [Fact]
    public void ACustomDomainNoPluginDeclaresIsStillAnError()
    {
        using var host = PluginFixture.Activations();
        var onnx = OnnxExporter.Export(x => host.Ops.Invoke("mish", x), PluginModelImportTests.Input(2, DType.Float32, 1));
        var node = Assert.Single(onnx.Proto.Graph.Node);
        node.OpType = "swish"; // a composition in the plugin: it has no function of its own in the domain
        var error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(onnx.Proto.ToByteArray()));
        Assert.Contains("op 'swish' of custom domain 'activations' is not provided by any source in OnnxImportOptions.CustomOps.", error.Message);
        Assert.Contains("has op 'swish', but it is lowered as a composition of standard operators (another version of the plugin is loaded).", error.Message);

        node.Domain = "ai.onnx.ml"; // a standard extension domain is not mistaken for a missing plugin
        error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(onnx.Proto.ToByteArray()));
        Assert.Contains($"ai.onnx.ml::swish node '{node.Name}' (#0, opset 21): domain 'ai.onnx.ml' is not supported: the importer reads the default ONNX domain, and custom domains", error.Message);
        Assert.DoesNotContain("plugin named", error.Message);
    }

    [Fact]
    public void AnImportedModelKeepsRunningThePluginOpAfterThePluginIsUnloaded()
    {
        using var host = PluginFixture.Activations(); // disposed (again: Dispose is idempotent) if an assertion fails early
        var onnx = OnnxExporter.Export(x => host.Ops.Invoke("softplus", [x], PluginFixture.Attributes(("beta", 2))), PluginModelImportTests.Input(2, DType.Float64, 1));
        var imported = OnnxImporter.Import(onnx);
        var x = PluginModelImportTests.Input(3, DType.Float64, 2);
        var expected = host.Ops.Invoke("softplus", [x], PluginFixture.Attributes(("beta", 2))).ToDoubleArray();
        host.Dispose();
        // Like a module the plugin created, the imported model holds the op's code: it still runs (and keeps the code loaded).
        Assert.Equal(expected, imported.Call(x).ToDoubleArray());
        Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(onnx));
    }
}
