using Google.Protobuf;
using Onnx;

namespace MiniTorch.Onnx;

/// <summary>
/// An exported ONNX model (IR version 10, opset 21): the protobuf <see cref="ModelProto"/>, its bytes, the names of its
/// inputs and outputs, and the warnings raised while exporting.
/// </summary>
public sealed class OnnxModel
{
    /// <summary>The ONNX IR version written.</summary>
    public const long IrVersion = 10;

    /// <summary>The version of the default ONNX operator set the graph uses.</summary>
    public const long OpsetVersion = 21;

    internal OnnxModel(ModelProto proto, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames, IReadOnlyList<string> warnings)
    {
        Proto = proto;
        InputNames = inputNames;
        OutputNames = outputNames;
        Warnings = warnings;
    }

    /// <summary>The model as a protobuf message (OnnxSharp's generated type), for inspection or further editing.</summary>
    public ModelProto Proto { get; }

    /// <summary>The graph inputs' names, in the order the traced function takes its inputs.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>The graph outputs' names, in the order the traced function returns its outputs.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Warnings raised during export (for example, a model exported from training mode with eval semantics).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Reads a <c>.onnx</c> file (any IR version and opset), e.g. to run it in <see cref="OnnxRuntimeSession"/>; its
    /// inputs are the graph inputs that are not initializers. A truncated or corrupt file is an <see cref="OnnxImportException"/>.
    /// </summary>
    public static OnnxModel Load(string path) => FromProto(OnnxImporter.ReadModel(path));

    internal static OnnxModel FromProto(ModelProto proto)
    {
        var initializers = proto.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        return new OnnxModel(proto,
            [.. proto.Graph.Input.Select(i => i.Name).Where(n => !initializers.Contains(n))],
            [.. proto.Graph.Output.Select(o => o.Name)],
            []);
    }

    /// <summary>The serialised model, the content of a <c>.onnx</c> file.</summary>
    public byte[] ToBytes() => Proto.ToByteArray();

    /// <summary>Writes the model to <paramref name="path"/> (a <c>.onnx</c> file), replacing it atomically.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string temporary = full + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            File.WriteAllBytes(temporary, ToBytes());
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
