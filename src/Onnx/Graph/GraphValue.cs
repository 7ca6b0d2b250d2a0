namespace MiniTorch.Onnx;

/// <summary>Where a value of the exported graph comes from.</summary>
internal enum ValueKind
{
    Input,
    Parameter,
    Constant,
    OpOutput,
}

/// <summary>
/// A tensor of the traced function as a value of the ONNX graph: its name, dtype, and its shape in both traces
/// (batch B and B + 1); a dim whose sizes differ follows the batch.
/// </summary>
internal sealed class GraphValue
{
    public GraphValue(string name, ValueKind kind, Tensor tensor, int[] secondShape)
    {
        Name = name;
        Kind = kind;
        Tensor = tensor;
        Shape = tensor.Shape;
        SecondShape = secondShape;
        if (Shape.Length != SecondShape.Length)
        {
            throw new InvalidOperationException($"GraphValue '{name}': ranks differ between traces ({OnnxShapes.Format(Shape)} and {OnnxShapes.Format(SecondShape)}).");
        }
    }

    public string Name { get; }

    public ValueKind Kind { get; }

    public Tensor Tensor { get; }

    public DType DType => Tensor.DType;

    /// <summary>The shape at the traced batch size.</summary>
    public int[] Shape { get; }

    /// <summary>The shape at the second trace's batch size (equal to <see cref="Shape"/> when not dynamic).</summary>
    public int[] SecondShape { get; }

    public int Rank => Shape.Length;

    public bool IsDynamic(int dim) => Shape[dim] != SecondShape[dim];

    public bool HasDynamicDims => Enumerable.Range(0, Rank).Any(IsDynamic);
}
