using Google.Protobuf;
using Onnx;

namespace MiniTorch.Onnx;

/// <summary>
/// Imports an ONNX model as a trainable MiniTorch module (<see cref="OnnxGraphModule"/>): the graph's initializers
/// become parameters and buffers, Conv / BatchNormalization / Gemm (and MatMul + Add with a constant weight) /
/// LayerNormalization nodes become named Conv2d / BatchNorm2d / Linear / LayerNorm submodules, and the forward runs
/// the graph with MiniTorch ops. Opsets 7 to 21 of the default domain are read, with each operator's changes across
/// them (see docs/onnx.md for the operator table and how names are derived). Nodes of a custom domain run the op a
/// source in <see cref="OnnxImportOptions.CustomOps"/> provides: by default the plugin op of a loaded plugin that the
/// node was exported from (<see cref="PluginOnnxOps"/>).
/// </summary>
/// <remarks>
/// Every node is checked before anything runs: unsupported operators, domains and attributes are reported together in
/// one <see cref="OnnxImportException"/> that lists each node's op type, name and opset. A truncated or corrupt file is
/// an <see cref="OnnxImportException"/> naming the file.
/// </remarks>
/// <example><code>
/// var backbone = OnnxImporter.Import("ResNet18.onnx");
/// backbone.Freeze();                                   // ImageNet features, fixed
/// var features = backbone.Call(images);                 // [N, 512, 1, 1]
/// Console.WriteLine(OnnxCheck.Compare(backbone, "ResNet18.onnx", images));
/// </code></example>
public static class OnnxImporter
{
    /// <summary>The oldest default-domain opset the importer reads.</summary>
    public const long MinOpset = 7;

    /// <summary>The newest default-domain opset the importer reads.</summary>
    public const long MaxOpset = 21;

    /// <summary>Imports the model in the <c>.onnx</c> file at <paramref name="path"/>.</summary>
    public static OnnxGraphModule Import(string path, OnnxImportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Import(ReadBytes(path), options ?? new OnnxImportOptions(), path);
    }

    /// <summary>Imports an exported model (for example to check an export → import round trip).</summary>
    public static OnnxGraphModule Import(OnnxModel model, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxImportOptions();
        return Import(model.Proto, options, options.SourceName ?? $"exported model '{model.Proto.Graph?.Name}'");
    }

    /// <summary>Imports a model from the bytes of a <c>.onnx</c> file.</summary>
    public static OnnxGraphModule Import(byte[] bytes, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        options ??= new OnnxImportOptions();
        return Import(bytes, options, options.SourceName ?? "ONNX bytes");
    }

    /// <summary>Reads a <c>.onnx</c> file as a protobuf <see cref="ModelProto"/>, with a clear error for a file that is not one.</summary>
    public static ModelProto ReadModel(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = Parse(ReadBytes(path), path);
        if (model.Graph is null)
        {
            throw new OnnxImportException($"ONNX import ({path}): the model has no graph; the file is truncated, corrupt or not an ONNX model.");
        }
        return model;
    }

    private static byte[] ReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxImportException($"ONNX import: cannot read '{path}': {e.Message}", e);
        }
    }

    private static OnnxGraphModule Import(byte[] bytes, OnnxImportOptions options, string source) =>
        Import(Parse(bytes, source), options, source);

    private static ModelProto Parse(byte[] bytes, string source)
    {
        if (bytes.Length == 0)
        {
            throw new OnnxImportException($"ONNX import ({source}): the file is empty.");
        }
        try
        {
            return ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException($"ONNX import ({source}): not a valid ONNX model: the protobuf data is truncated or corrupt ({bytes.Length} bytes; {e.Message}).", e);
        }
    }

    private static OnnxGraphModule Import(ModelProto model, OnnxImportOptions options, string source)
    {
        if (model.Graph is null || (model.Graph.Node.Count == 0 && model.Graph.Output.Count == 0))
        {
            throw new OnnxImportException($"ONNX import ({source}): the model has no graph; the file is truncated, corrupt or not an ONNX model.");
        }
        if (model.IrVersion < 3)
        {
            throw new OnnxImportException($"ONNX import ({source}): IR version {model.IrVersion} is not supported (3 or later, with opset imports).");
        }
        long? opset = null;
        foreach (var import in model.OpsetImport)
        {
            if (import.Domain.Length == 0 || import.Domain == "ai.onnx")
            {
                opset = import.Version;
            }
        }
        if (opset is not long version)
        {
            throw new OnnxImportException($"ONNX import ({source}): the model imports no version of the default ONNX operator set.");
        }
        if (version < MinOpset || version > MaxOpset)
        {
            throw new OnnxImportException($"ONNX import ({source}): opset {version} is not supported; the importer reads opsets {MinOpset} to {MaxOpset}. Convert the model with onnx.version_converter.");
        }
        try
        {
            return new GraphImport(model.Graph, version, source, options, ImportedModelInfo.From(model)).Import();
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or OverflowException)
        {
            throw new OnnxImportException($"ONNX import ({source}): the graph is inconsistent: {e.Message}", e);
        }
    }
}
