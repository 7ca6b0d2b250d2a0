namespace MiniTorch.Onnx;

/// <summary>Settings of <see cref="OnnxImporter.Import(string, OnnxImportOptions?)"/>. Every property has a usable default.</summary>
public sealed class OnnxImportOptions
{
    /// <summary>
    /// Whether a graph input whose dim 0 is fixed (typically at 1, as many exported models are) accepts any batch size
    /// there (default true). Reshape targets that name the fixed batch size in dim 0 then follow the actual batch; a
    /// graph whose shape logic cannot follow the batch fails with an <see cref="OnnxImportException"/> naming the
    /// node. Set false to keep the declared sizes and reject other batch sizes.
    /// </summary>
    public bool DynamicBatch { get; set; } = true;

    /// <summary>
    /// The name used in error messages for a model imported from bytes or from an <see cref="OnnxModel"/>; a model
    /// imported from a file is named by its path.
    /// </summary>
    public string? SourceName { get; set; }
}
