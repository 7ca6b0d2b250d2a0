namespace MiniTorch.Onnx;

/// <summary>
/// Thrown when a model or function cannot be exported to ONNX: an op with no ONNX equivalent, a forward whose ops
/// depend on the batch size while a dynamic batch was asked for, a model in training mode under
/// <see cref="TrainingModeExport.Throw"/>. The message names the op, where it ran and its input shapes.
/// </summary>
public class OnnxExportException : InvalidOperationException
{
    /// <summary>Creates the exception with a message.</summary>
    public OnnxExportException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public OnnxExportException(string message, Exception inner) : base(message, inner) { }
}
