namespace MiniTorch.Plugins;

/// <summary>
/// How a plugin op call appears in a trace (the ONNX exporter reads it back): the op name <c>plugin::op</c>, like
/// PyTorch's qualified <c>mylib::swish</c>, with attributes naming the plugin and the op and carrying the call's
/// attribute values. Reserved keys contain a '.', which attribute names cannot, so they never collide.
/// </summary>
public static class PluginOpTrace
{
    /// <summary>The traced attribute holding the plugin's name ("" for a definition no plugin registered).</summary>
    public const string PluginKey = "plugin.name";

    /// <summary>The traced attribute holding the op's name.</summary>
    public const string OpKey = "plugin.op";

    /// <summary>Whether a traced op is a plugin op call.</summary>
    public static bool IsPluginOp(TracedOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        return op.Attributes.Contains(OpKey) && op.Attributes.Contains(PluginKey);
    }

    /// <summary>The plugin, op and attribute values of a traced plugin op call.</summary>
    public static (string Plugin, string Op, IReadOnlyDictionary<string, double> Attributes) Read(TracedOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (!IsPluginOp(op))
        {
            throw new ArgumentException($"{op.Describe()} is not a plugin op call.", nameof(op));
        }
        var attributes = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in op.Attributes)
        {
            if (key != PluginKey && key != OpKey && value is double d)
            {
                attributes[key] = d;
            }
        }
        return (op.Attributes.GetString(PluginKey), op.Attributes.GetString(OpKey), attributes);
    }

    internal static void Record(OpDefinition op, PluginAttributes attributes, Tensor[] inputs, Tensor output)
    {
        var traced = new OpAttributes { { PluginKey, op.PluginName ?? "" }, { OpKey, op.Name } };
        foreach (var (name, value) in attributes)
        {
            traced.Add(name, value);
        }
        // Reported after the Function's own report of the same output, so the trace keeps this one.
        Tracing.Record(op.PluginName is null ? op.Name : $"{op.PluginName}::{op.Name}", [output], inputs, traced);
    }
}
