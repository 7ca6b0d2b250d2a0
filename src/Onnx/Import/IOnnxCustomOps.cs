namespace MiniTorch.Onnx;

/// <summary>
/// A source of ops for ONNX nodes outside the standard domain, given to the importer in
/// <see cref="OnnxImportOptions.CustomOps"/>. The importer itself knows no plugins: it asks each source, in order, for
/// the op a node <c>domain::opType</c> stands for, and runs what the first source returns. MiniTorch's plugins are one
/// such source (<see cref="PluginOnnxOps"/>, the default).
/// </summary>
public interface IOnnxCustomOps
{
    /// <summary>The op that runs nodes <paramref name="opType"/> of custom domain <paramref name="domain"/>, or null if this source has none.</summary>
    /// <exception cref="OnnxImportException">The source finds the op ambiguous (several different providers).</exception>
    OnnxCustomOp? Find(string domain, string opType);

    /// <summary>
    /// For the import error when no source provides <c>domain::opType</c>: what would provide it (which plugin to load,
    /// and how), read from what this source knows and from the model's <paramref name="metadata"/> (its
    /// <c>metadata_props</c>); null if this source has nothing to say.
    /// </summary>
    string? ExplainMissing(string domain, string opType, IReadOnlyDictionary<string, string> metadata);
}
