using MiniTorch.NN;

namespace MiniTorch.Onnx;

/// <summary>
/// Exports a <see cref="Module"/> or a function to an ONNX model (IR 10, opset 21) by tracing it on example inputs
/// (PyTorch's <c>torch.onnx.export</c>). Parameters and buffers become initializers named as in
/// <see cref="Module.NamedParameters"/>; dim 0 of the inputs is a symbolic batch size unless
/// <see cref="OnnxExportOptions.DynamicBatch"/> is false.
/// </summary>
/// <remarks>
/// Tracing records the ops one run executes: control flow that depends on input values is frozen into the graph, as
/// in <c>torch.jit.trace</c>. Ops without an ONNX equivalent, in-place writes to traced tensors and ops whose
/// arguments depend on the batch size are reported as <see cref="OnnxExportException"/> naming the op.
/// </remarks>
public static class OnnxExporter
{
    /// <summary>Exports a model traced on <paramref name="exampleInput"/>, in evaluation mode (see <see cref="TrainingModeExport"/>).</summary>
    /// <example><code>
    /// var onnx = OnnxExporter.Export(model, Tensor.Randn([1, 1, 8, 8]));
    /// onnx.Save("digits.onnx");
    /// </code></example>
    public static OnnxModel Export(Module model, Tensor exampleInput, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(exampleInput);
        options ??= new OnnxExportOptions();
        var warnings = new List<string>();
        using (ModeGuard.EnterEval(model, out var affected))
        {
            if (affected.Count > 0)
            {
                string modules = string.Join(", ", affected);
                if (options.TrainingMode == TrainingModeExport.Throw)
                {
                    throw new OnnxExportException($"ONNX export: {model.GetType().Name} has modules in training mode whose output depends on the mode: {modules}. Call model.Eval() before exporting, or use TrainingMode = TrainingModeExport.ExportEval.");
                }
                Warn(options, warnings, $"ONNX export: {model.GetType().Name} was in training mode; exported its evaluation-mode behaviour (Dropout as identity, BatchNorm with running statistics) for {modules}. Call model.Eval() before exporting to silence this warning. The model's modes were restored.");
            }
            var named = model.NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)).Concat(model.NamedBuffers().Select(b => (b.Name, b.Buffer)));
            return ExportCore(inputs => [model.Call(inputs[0])], [exampleInput], options, named, options.GraphName ?? model.GetType().Name, warnings);
        }
    }

    /// <summary>Exports a one-input, one-output function traced on <paramref name="exampleInput"/>.</summary>
    /// <param name="function">The function; tensors it reads that are not computed from its input become initializers.</param>
    /// <param name="exampleInput">The example input.</param>
    /// <param name="options">Export settings.</param>
    /// <param name="namedTensors">Names for tensors the function reads (its weights); others get generated names.</param>
    public static OnnxModel Export(Func<Tensor, Tensor> function, Tensor exampleInput, OnnxExportOptions? options = null, IEnumerable<(string Name, Tensor Tensor)>? namedTensors = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(exampleInput);
        return Export(inputs => [function(inputs[0])], [exampleInput], options, namedTensors);
    }

    /// <summary>Exports a function of several inputs and outputs traced on <paramref name="exampleInputs"/>.</summary>
    /// <param name="function">The function; it receives the inputs in order and returns its outputs.</param>
    /// <param name="exampleInputs">One example tensor per input.</param>
    /// <param name="options">Export settings.</param>
    /// <param name="namedTensors">Names for tensors the function reads (its weights); others get generated names.</param>
    public static OnnxModel Export(Func<Tensor[], Tensor[]> function, IReadOnlyList<Tensor> exampleInputs, OnnxExportOptions? options = null, IEnumerable<(string Name, Tensor Tensor)>? namedTensors = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(exampleInputs);
        options ??= new OnnxExportOptions();
        return ExportCore(function, [.. exampleInputs], options, namedTensors ?? [], options.GraphName ?? "main", []);
    }

    /// <summary>Exports a function whose plugin op calls are lowered with the definitions <paramref name="pluginOps"/> returns, loaded or not (the one-op models of the ONNX Runtime cross-check).</summary>
    internal static OnnxModel ExportWithPluginOps(Func<Tensor[], Tensor[]> function, Tensor[] inputs, OnnxExportOptions options, PluginOpResolver pluginOps) =>
        ExportCore(function, inputs, options, [], options.GraphName ?? "main", [], pluginOps);

    private static OnnxModel ExportCore(Func<Tensor[], Tensor[]> function, Tensor[] inputs, OnnxExportOptions options,
        IEnumerable<(string Name, Tensor Tensor)> named, string graphName, List<string> warnings, PluginOpResolver? pluginOps = null)
    {
        if (inputs.Length == 0)
        {
            throw new ArgumentException("ONNX export: at least one example input is needed.", nameof(inputs));
        }
        for (int i = 0; i < inputs.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i], $"exampleInputs[{i}]");
        }
        var first = ResolvedTrace.Resolve(TraceCapture.Run(function, inputs));
        ResolvedTrace? second = null;
        if (options.DynamicBatch && inputs.Any(x => x.Rank > 0))
        {
            var grown = TraceCapture.GrowBatch(inputs);
            try
            {
                second = ResolvedTrace.Resolve(TraceCapture.Run(function, grown));
            }
            catch (Exception e) when (e is not OnnxExportException)
            {
                // The first run worked, so the function rejects only the larger batch: dim 0 is probably not a batch.
                string shapes = string.Join(", ", grown.Select(t => OnnxShapes.Format(t.Shape)));
                throw new OnnxExportException($"ONNX export: the function ran on the example but failed on inputs with one more row along dim 0 ({shapes}), which export traces to find the batch dims: {e.Message} If dim 0 of the inputs is not a batch, export with DynamicBatch = false.", e);
            }
        }
        var matcher = new TraceMatcher(first, second);
        var inputNames = Names(options.InputNames, inputs.Length, "input");
        var outputNames = Names(options.OutputNames, first.Captured.Outputs.Length, "output");
        var proto = new GraphAssembler(first, matcher, named, pluginOps).Build(graphName, inputNames, outputNames);
        return new OnnxModel(proto, inputNames, outputNames, warnings);
    }

    private static string[] Names(IReadOnlyList<string>? given, int count, string stem)
    {
        if (given is null)
        {
            return count == 1 ? [stem] : [.. Enumerable.Range(0, count).Select(i => $"{stem}_{i}")];
        }
        if (given.Count != count)
        {
            throw new ArgumentException($"ONNX export: {given.Count} {stem} names were given for {count} {stem}s.");
        }
        return [.. given];
    }

    private static void Warn(OnnxExportOptions options, List<string> warnings, string message)
    {
        warnings.Add(message);
        if (options.OnWarning is { } handler)
        {
            handler(message);
        }
        else
        {
            Console.Error.WriteLine("warning: " + message);
        }
    }
}
