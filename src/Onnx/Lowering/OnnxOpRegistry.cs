using System.Collections.Concurrent;
using MiniTorch.Plugins;

namespace MiniTorch.Onnx;

/// <summary>
/// The ONNX lowerings of ops: the built-in ones for every MiniTorch op and layer that has an ONNX equivalent, and
/// those registered for custom ops (a <see cref="Function"/> subclass, reported under its <see cref="Function.Name"/>,
/// or a plugin op reported through <see cref="Tracing.Record(string, IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}, OpAttributes?)"/>).
/// </summary>
public static class OnnxOpRegistry
{
    private static readonly ConcurrentDictionary<string, OnnxLowering> Custom = new(StringComparer.Ordinal);

    /// <summary>
    /// Registers how a custom op is written in ONNX. The name is the op's traced name (a Function's <c>Name</c>); a
    /// built-in op's name cannot be taken, and each name can be registered once (see <see cref="Unregister"/>).
    /// </summary>
    public static void Register(string opName, OnnxLowering lowering)
    {
        ArgumentException.ThrowIfNullOrEmpty(opName);
        ArgumentNullException.ThrowIfNull(lowering);
        if (BuiltinLowerings.Table.ContainsKey(opName) || BuiltinLowerings.Unsupported.ContainsKey(opName))
        {
            throw new ArgumentException($"OnnxOpRegistry.Register: '{opName}' is a built-in MiniTorch op; give the custom op another name.", nameof(opName));
        }
        if (!Custom.TryAdd(opName, lowering))
        {
            throw new ArgumentException($"OnnxOpRegistry.Register: a lowering for '{opName}' is already registered; Unregister it first to replace it.", nameof(opName));
        }
    }

    /// <summary>Removes a custom op's lowering; returns whether one was registered.</summary>
    public static bool Unregister(string opName)
    {
        ArgumentNullException.ThrowIfNull(opName);
        return Custom.TryRemove(opName, out _);
    }

    /// <summary>Whether a traced op of this name can be exported (built in, or registered).</summary>
    public static bool IsSupported(string opName) => BuiltinLowerings.Table.ContainsKey(opName) || Custom.ContainsKey(opName);

    /// <summary>The lowering of <paramref name="op"/>, or an error that names it and says what to do.</summary>
    internal static OnnxLowering Find(TracedOp op, PluginOpResolver? pluginOps = null)
    {
        if (PluginOpTrace.IsPluginOp(op))
        {
            return PluginOpLowering.Find(op, pluginOps);
        }
        bool customFunction = op.Attributes.Contains("customFunction");
        if (!customFunction && BuiltinLowerings.Table.TryGetValue(op.Name, out var builtin))
        {
            return builtin;
        }
        if (Custom.TryGetValue(op.Name, out var custom))
        {
            return custom;
        }
        if (!customFunction && BuiltinLowerings.Unsupported.TryGetValue(op.Name, out var reason))
        {
            throw new OnnxExportException($"ONNX export: {op.Describe()} has no ONNX equivalent: {reason}");
        }
        string kind = customFunction ? "custom Function" : "op";
        throw new OnnxExportException($"ONNX export: {kind} '{op.Name}'{(op.Scope.Length == 0 ? "" : $" in '{op.Scope}'")} (inputs {string.Join(", ", op.Inputs.Select(t => t is null ? "none" : OnnxShapes.Format(t.Shape)))}) has no ONNX lowering. Register one with OnnxOpRegistry.Register(\"{op.Name}\", context => ...), or compute it with ops that export.");
    }
}
