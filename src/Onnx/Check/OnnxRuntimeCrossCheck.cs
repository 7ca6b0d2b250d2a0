using MiniTorch.Plugins;

namespace MiniTorch.Onnx;

/// <summary>
/// Cross-checks plugin ops in ONNX Runtime: <see cref="OpCheck"/> and <see cref="PluginValidator"/> export each sample
/// as a one-op model through the op's declared <see cref="OpDefinition.OnnxLowering"/>, run it in ONNX Runtime and
/// compare its output with the op's own forward (in float64 and float32, with <see cref="OpCheckOptions"/>'
/// tolerances). It lives here because MiniTorch.Plugins, a layer above MiniTorch.Onnx, cannot reference ONNX Runtime.
/// </summary>
/// <example><code>
/// var report = PluginValidator.Validate(new MyPlugin(), new OpCheckOptions { CrossCheck = new OnnxRuntimeCrossCheck() });
/// Console.WriteLine(report);          // per sample: "float32 vs ONNX Runtime: max abs error 6e-08, max rel error 1.2e-07"
/// report.ThrowIfFailed();
/// </code></example>
public sealed class OnnxRuntimeCrossCheck : IOpCrossCheck
{
    /// <inheritdoc />
    public string Name => "ONNX Runtime";

    /// <inheritdoc />
    public string? WhyNotCheckable(OpDefinition op)
    {
        ArgumentNullException.ThrowIfNull(op);
        return op.OnnxLowering is null
            ? $"op '{op.Name}' declares no ONNX lowering (set OpDefinition.OnnxLowering to OnnxOpLowering.Compose(…) or OnnxOpLowering.Function(…))."
            : null;
    }

    /// <inheritdoc />
    public Tensor Evaluate(OpDefinition op, IReadOnlyDictionary<string, double> attributes, IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(inputs);
        Tensor[] example = [.. inputs];
        // The op runs once more while tracing; its own result is not what is compared, ONNX Runtime's is.
        var model = OnnxExporter.ExportWithPluginOps(
            x => [op.Apply(x, attributes)],
            example,
            new OnnxExportOptions { DynamicBatch = false, InputNames = [.. op.Inputs.Select((_, i) => $"input_{i}")], GraphName = op.Name },
            (plugin, name) => name == op.Name && (op.PluginName is null || plugin == op.PluginName) ? op : null);
        using var session = new OnnxRuntimeSession(model);
        return session.Run(example)[0];
    }
}
