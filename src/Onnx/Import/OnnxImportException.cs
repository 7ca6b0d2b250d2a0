namespace MiniTorch.Onnx;

/// <summary>
/// Thrown when an ONNX model cannot be imported or run as a MiniTorch module: a truncated or corrupt file, operators or
/// attributes the importer does not support (all of them listed in one message, with node name and opset), or a graph
/// whose shapes do not fit the input it is called on. The message names the file, node and shapes involved.
/// </summary>
public class OnnxImportException : InvalidOperationException
{
    /// <summary>Creates the exception with a message.</summary>
    public OnnxImportException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public OnnxImportException(string message, Exception inner) : base(message, inner) { }
}
