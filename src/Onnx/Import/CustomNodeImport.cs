using Onnx;

namespace MiniTorch.Onnx;

/// <summary>
/// Imports a node of a custom domain as the op a source in <see cref="OnnxImportOptions.CustomOps"/> provides: the
/// node's inputs are the op's, its attributes (numbers: FLOAT, INT or a one-element TENSOR, as the exporter writes them)
/// override the op's defaults, and the model must import the domain at the version the op implements.
/// </summary>
internal static class CustomNodeImport
{
    public static NodeKernel Import(NodeImportContext c, ImportedModelInfo model, IReadOnlyList<IOnnxCustomOps> sources, string source)
    {
        string domain = c.Node.Domain;
        var op = Find(sources, domain, c.OpType)
            ?? throw c.Unsupported(MissingMessage(domain, c.OpType, model.Metadata, sources));
        if (model.DomainVersions.TryGetValue(domain, out long version) && version != op.DomainVersion)
        {
            throw c.Unsupported($"the model imports domain '{domain}' at version {version}, but {op} implements version {op.DomainVersion}; load the version of the plugin the model was exported with.");
        }
        if (c.InputCount != op.InputCount)
        {
            throw c.Unsupported($"the node has {c.InputCount} input(s), but {op} takes {op.InputCount}.");
        }
        for (int i = 0; i < c.InputCount; i++)
        {
            if (!c.HasInput(i))
            {
                throw c.Unsupported($"input {i} is absent, but {op} needs all {op.InputCount} of its inputs.");
            }
        }
        c.OnlyOutputs(1, $"{op} has one output");
        var attributes = new Dictionary<string, double>(op.Attributes, StringComparer.Ordinal);
        foreach (var a in c.Node.Attribute)
        {
            if (!op.Attributes.ContainsKey(a.Name))
            {
                string declared = op.Attributes.Count == 0 ? "none" : string.Join(", ", op.Attributes.Keys.Order(StringComparer.Ordinal));
                throw c.Unsupported($"attribute '{a.Name}' is not one of the attributes of {op} ({declared}).");
            }
            attributes[a.Name] = Number(c, a, op, source);
        }
        return (x, _) =>
        {
            var inputs = new Tensor[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                var value = x[i]!.Value;
                if (!value.IsFloat)
                {
                    throw new ArgumentException($"input {i} ('{c.InputName(i)}') is a tensor of {ImportedValue.ElementName(value.Element)}, but {op} runs on float and double tensors.");
                }
                inputs[i] = value.Data;
            }
            return [ImportedValue.FromFloat(op.Run(inputs, attributes))];
        };
    }

    private static OnnxCustomOp? Find(IReadOnlyList<IOnnxCustomOps> sources, string domain, string opType)
    {
        foreach (var custom in sources)
        {
            try
            {
                if (custom.Find(domain, opType) is { } op)
                {
                    return op;
                }
            }
            catch (OnnxImportException e)
            {
                throw new UnsupportedNodeException(e.Message);
            }
        }
        return null;
    }

    private static string MissingMessage(string domain, string opType, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<IOnnxCustomOps> sources)
    {
        if (IsStandardExtension(domain))
        {
            // ONNX-ML, training and ONNX Runtime's contrib ops: not something a plugin could have been exported as.
            return $"domain '{domain}' is not supported: the importer reads the default ONNX domain, and custom domains that a source in OnnxImportOptions.CustomOps provides (ops of loaded plugins, by default)";
        }
        string message = $"op '{opType}' of custom domain '{domain}' is not provided by any source in OnnxImportOptions.CustomOps";
        if (sources.Count == 0)
        {
            return message + " (the list is empty; the default, PluginOnnxOps.AllLoaded, maps such nodes to the ops of loaded plugins).";
        }
        var explanations = sources.Select(s => s.ExplainMissing(domain, opType, metadata)).OfType<string>().ToList();
        return explanations.Count == 0 ? message + "." : message + ". " + string.Join(" ", explanations);
    }

    private static bool IsStandardExtension(string domain) =>
        domain.StartsWith("ai.onnx.", StringComparison.Ordinal) || domain == "com.microsoft" || domain.StartsWith("com.microsoft.", StringComparison.Ordinal);

    /// <summary>A node attribute as a number: FLOAT and INT, or a one-element TENSOR (the exporter's float64 scalars).</summary>
    private static double Number(NodeImportContext c, AttributeProto a, OnnxCustomOp op, string source)
    {
        switch (a.Type)
        {
            case AttributeProto.Types.AttributeType.Float:
                return a.F;
            case AttributeProto.Types.AttributeType.Int:
                return a.I;
            case AttributeProto.Types.AttributeType.Tensor when a.T is not null:
                var value = TensorProtoReader.Read(a.T, source, $"attribute '{a.Name}' of node '{c.Node.Name}'");
                if (value.Data.Numel != 1)
                {
                    throw c.Unsupported($"attribute '{a.Name}' is a tensor of shape [{string.Join(", ", value.Shape)}]; {op} takes a number (a one-element tensor).");
                }
                return value.Data.Reshape(-1).Item();
            default:
                throw c.Unsupported($"attribute '{a.Name}' is of type {a.Type}; {op} takes numbers (FLOAT, INT or a one-element TENSOR).");
        }
    }
}

/// <summary>What the importer reads of the model around its graph: the custom domains' versions and the metadata.</summary>
internal sealed record ImportedModelInfo(IReadOnlyDictionary<string, long> DomainVersions, IReadOnlyDictionary<string, string> Metadata)
{
    public static ImportedModelInfo From(ModelProto model)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var import in model.OpsetImport)
        {
            versions[import.Domain] = import.Version;
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in model.MetadataProps)
        {
            metadata[entry.Key] = entry.Value;
        }
        return new ImportedModelInfo(versions, metadata);
    }
}
