namespace MiniTorch.Onnx;

/// <summary>What <see cref="OnnxExporter.Export(MiniTorch.NN.Module, Tensor, OnnxExportOptions?)"/> does with a model in training mode.</summary>
public enum TrainingModeExport
{
    /// <summary>
    /// Export evaluation semantics (Dropout is the identity, BatchNorm normalises with its running statistics), as
    /// PyTorch's <c>torch.onnx.export</c> does by default, and warn when a module in training mode would have behaved
    /// differently. The model's modes are restored afterwards.
    /// </summary>
    ExportEval,

    /// <summary>Refuse to export a model that has a Dropout or BatchNorm module in training mode: call <c>Eval()</c> first.</summary>
    Throw,
}

/// <summary>Settings of an ONNX export. Every property has a usable default.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>
    /// Whether dim 0 of every input of rank ≥ 1 is a symbolic batch size (the ONNX dim_param <c>batch</c>) rather than
    /// the example's size. The function is traced twice (batch B and B + 1) to find which dims follow the batch; set
    /// false to export fixed shapes, for inputs whose dim 0 is not a batch.
    /// </summary>
    public bool DynamicBatch { get; set; } = true;

    /// <summary>Names of the graph inputs; default <c>input</c> (one input) or <c>input_0</c>, <c>input_1</c>, ….</summary>
    public IReadOnlyList<string>? InputNames { get; set; }

    /// <summary>Names of the graph outputs; default <c>output</c> (one output) or <c>output_0</c>, ….</summary>
    public IReadOnlyList<string>? OutputNames { get; set; }

    /// <summary>The graph's name; default the module's type name, or <c>main</c> for a function.</summary>
    public string? GraphName { get; set; }

    /// <summary>What to do with a module in training mode; default <see cref="TrainingModeExport.ExportEval"/> (with a warning).</summary>
    public TrainingModeExport TrainingMode { get; set; } = TrainingModeExport.ExportEval;

    /// <summary>
    /// Receives each warning as it is raised; by default warnings are written to standard error. Warnings are also
    /// kept in <see cref="OnnxModel.Warnings"/>.
    /// </summary>
    public Action<string>? OnWarning { get; set; }
}
