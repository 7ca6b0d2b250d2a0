namespace MiniTorch.Onnx;

/// <summary>
/// Turns one traced op into ONNX nodes: read the op (<see cref="OnnxLoweringContext.Op"/>) and its inputs' names and
/// shapes from the context, and add nodes whose final outputs are named <see cref="OnnxLoweringContext.Output"/>.
/// </summary>
/// <param name="context">The op being lowered and the graph being built.</param>
public delegate void OnnxLowering(OnnxLoweringContext context);
