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

    /// <summary>
    /// Where nodes of custom domains (not the standard ONNX domain) find the op they run, asked in order. The default,
    /// <see cref="PluginOnnxOps.AllLoaded"/>, maps a node <c>domain::op</c> to the op of a plugin loaded in any
    /// <see cref="MiniTorch.Plugins.PluginHost"/> that declared it as an ONNX function of that domain (how plugin ops
    /// lowered with <c>OnnxOpLowering.Function</c> are exported), so the model runs and trains with the plugin's own
    /// kernels. Use <c>[new PluginOnnxOps(host)]</c> to take ops from one host only, add your own
    /// <see cref="IOnnxCustomOps"/> for other domains, or set an empty list to refuse every custom-domain node.
    /// </summary>
    public IReadOnlyList<IOnnxCustomOps> CustomOps
    {
        get => _customOps;
        set => _customOps = value ?? throw new ArgumentNullException(nameof(value), "OnnxImportOptions.CustomOps: pass an empty list to refuse custom-domain nodes, not null.");
    }

    private IReadOnlyList<IOnnxCustomOps> _customOps = [PluginOnnxOps.AllLoaded];
}
