using MiniTorch.Plugins;

namespace MiniTorch.Onnx;

/// <summary>Finds the definition of a traced plugin op when the exporter is given it directly (the ONNX Runtime cross-check of one op).</summary>
/// <returns>The definition, or null to look the op up among the loaded plugins.</returns>
internal delegate OpDefinition? PluginOpResolver(string plugin, string op);

/// <summary>
/// The lowering of a traced plugin op call: the op's declared <see cref="OnnxOpLowering"/>, read from the plugin
/// loaded in some <see cref="PluginHost"/> (<see cref="LoadedPluginOps"/>), written in place (Compose) or as one
/// custom-domain node plus its FunctionProto (Function).
/// </summary>
internal static class PluginOpLowering
{
    public static OnnxLowering Find(TracedOp op, PluginOpResolver? resolver)
    {
        var (plugin, name, attributes) = PluginOpTrace.Read(op);
        string source;
        string? provenance = null;
        OpDefinition? definition = resolver?.Invoke(plugin, name);
        if (definition is not null)
        {
            source = plugin.Length == 0 ? "no plugin" : $"plugin '{plugin}'";
        }
        else if (plugin.Length == 0)
        {
            throw new OnnxExportException($"ONNX export: {op.Describe()} ran through an OpDefinition that no plugin registered, so there is no plugin to read its ONNX lowering from. Register the definition with PluginRegistrar.AddOp in a plugin and load the plugin before exporting.");
        }
        else if (LoadedPluginOps.TryFind(plugin, name, out definition, out var loaded))
        {
            source = $"plugin {loaded}";
            provenance = PluginOnnxOps.Provenance(loaded!);
        }
        else if (LoadedPluginOps.IsLoaded(plugin))
        {
            throw new OnnxExportException($"ONNX export: {op.Describe()} is op '{name}' of plugin '{plugin}', but the loaded plugin '{plugin}' has no op '{name}' (another version of it is loaded). Load the version the model was built with before exporting.");
        }
        else
        {
            throw new OnnxExportException($"ONNX export: {op.Describe()} is op '{name}' of plugin '{plugin}', which is not loaded in any PluginHost (it was unloaded, or never loaded). The exporter reads a plugin op's ONNX lowering from the loaded plugin: load it (host.Load(\"…/{plugin}.dll\")) before exporting.");
        }
        var lowering = definition!.OnnxLowering ?? throw new OnnxExportException(
            $"ONNX export: {op.Describe()} is op '{name}' of {source}, which declares no ONNX lowering. Declare one on the op's OpDefinition in the plugin: " +
            "OnnxLowering = OnnxOpLowering.Compose(g => g.Op(\"Mul\", g.Input(0), g.Op(\"Sigmoid\", g.Input(0)))) writes it with standard ONNX operators, " +
            $"OnnxLowering = OnnxOpLowering.Function(g => …) as a FunctionProto in a custom domain (docs/plugins.md, section \"Export to ONNX\").");
        var recorded = lowering.Record(name, definition.Inputs, definition.Attributes.Keys.ToArray());
        return lowering.Kind == OnnxLoweringKind.Compose
            ? c => WriteInline(c, recorded, attributes, op.Name)
            : c => WriteFunctionCall(c, lowering, recorded, definition, plugin, attributes, provenance);
    }

    /// <summary>
    /// Compose: the recorded nodes go into the graph, with the call's attributes as constants of the op's dtype. Each
    /// node's doc_string names the call (<c>MiniTorch plugin op activations::swish (beta=1.5)</c>): the import runs the
    /// standard operators, and the mark says which plugin op they came from to a reader (or a future importer).
    /// </summary>
    private static void WriteInline(OnnxLoweringContext c, OnnxLoweringGraph recorded, IReadOnlyDictionary<string, double> attributes, string qualifiedName)
    {
        int firstNode = c.Graph.Nodes.Count;
        var dtype = c.OutputDType(0);
        var names = new Dictionary<OnnxValue, string>(ReferenceEqualityComparer.Instance);
        string Name(OnnxValue? value)
        {
            if (value is null)
            {
                return "";
            }
            if (!names.TryGetValue(value, out var name))
            {
                name = value.Kind switch
                {
                    OnnxValueKind.Input => c.Input(value.Index),
                    OnnxValueKind.Attribute => c.ConstantScalar(attributes[value.AttributeName!], dtype),
                    OnnxValueKind.Scalar => c.ConstantScalar(value.ScalarValue, dtype),
                    OnnxValueKind.Int64s => c.ConstantInts([.. value.Int64Values!]),
                    _ => throw new InvalidOperationException($"PluginOpLowering: {value} is read before its node was written."),
                };
                names[value] = name;
            }
            return name;
        }
        foreach (var node in recorded.Nodes)
        {
            var inputs = node.Inputs.Select(Name).ToArray();
            var outputs = node.Outputs.Select(o => ReferenceEquals(o, recorded.Output) ? c.Output(0) : c.TempName(node.OpType)).ToArray();
            var nodeAttributes = node.Attributes.Select(a => ToAttribute(a, attributes)).ToArray();
            c.AddNodeWithOutputs(node.OpType, inputs, outputs, nodeAttributes);
            for (int k = 0; k < outputs.Length; k++)
            {
                names[node.Outputs[k]] = outputs[k];
            }
        }
        if (recorded.Output.Kind != OnnxValueKind.NodeOutput)
        {
            c.AddNode("Identity", [Name(recorded.Output)], c.Output(0));
        }
        string mark = $"MiniTorch plugin op {qualifiedName}" + (attributes.Count == 0 ? "" :
            $" ({string.Join(", ", attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))})");
        for (int i = firstNode; i < c.Graph.Nodes.Count; i++)
        {
            c.Graph.Nodes[i].DocString = mark;
        }
    }

    private static OnnxAttribute ToAttribute(OnnxNodeAttribute a, IReadOnlyDictionary<string, double> attributes) => a.Kind switch
    {
        OnnxNodeAttributeKind.Int => OnnxAttribute.Int(a.Name, a.IntValue),
        OnnxNodeAttributeKind.Float => OnnxAttribute.Float(a.Name, a.FloatValue),
        OnnxNodeAttributeKind.Ints => OnnxAttribute.Ints(a.Name, a.IntsValue!),
        OnnxNodeAttributeKind.String => OnnxAttribute.String(a.Name, a.Text!),
        _ => OnnxAttribute.Float(a.Name, attributes[a.Text!]),
    };

    /// <summary>Function: one node <c>domain::op</c> carrying the call's attributes, and the FunctionProto, added once per model.</summary>
    private static void WriteFunctionCall(OnnxLoweringContext c, OnnxOpLowering lowering, OnnxLoweringGraph recorded, OpDefinition definition, string plugin, IReadOnlyDictionary<string, double> attributes, string? provenance)
    {
        string domain = lowering.Domain ?? plugin;
        if (provenance is not null)
        {
            // Read back by the importer's error when the plugin is not loaded: which plugin, and which file, to load.
            c.Graph.Metadata[$"{PluginOnnxOps.MetadataPrefix}{domain}::{definition.Name}"] = provenance;
        }
        var key = (domain, definition.Name);
        string owner = $"op '{definition.Name}' of plugin '{plugin}'";
        var floatAttributes = PluginFunctionBody.FloatAttributes(recorded);
        if (c.Graph.Functions.TryGetValue(key, out var existing))
        {
            if (existing.Owner != owner)
            {
                throw c.Error($"the custom-domain function {domain}::{definition.Name} is defined by both {existing.Owner} and {owner}; give one of them another domain (OnnxOpLowering.Function(…, domain: …)).");
            }
        }
        else
        {
            if (c.Graph.Functions.Keys.FirstOrDefault(k => k.Domain == domain) is { Domain: not null } other && c.Graph.Functions[other].DomainVersion != lowering.DomainVersion)
            {
                throw c.Error($"the custom domain '{domain}' is used at version {c.Graph.Functions[other].DomainVersion} by {c.Graph.Functions[other].Owner} and at version {lowering.DomainVersion} by {owner}; a model imports each domain at one version.");
            }
            c.Graph.Functions[key] = (PluginFunctionBody.Build(domain, definition, recorded, floatAttributes), lowering.DomainVersion, owner);
        }
        var inputs = Enumerable.Range(0, c.InputCount).Select(c.Input).ToArray();
        var nodeAttributes = definition.Attributes.Keys.Order(StringComparer.Ordinal)
            .Select(name => PluginFunctionBody.CallAttribute(name, attributes[name], floatAttributes.Contains(name)));
        c.AddDomainNode(domain, definition.Name, inputs, c.Output(0), nodeAttributes);
    }
}
