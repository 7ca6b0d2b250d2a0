namespace MiniTorch;

/// <summary>One op reported to a trace: its name, the tensors it read and returned, and its non-tensor arguments.</summary>
public sealed class TracedOp
{
    internal TracedOp(int index, string name, Tensor[] outputs, Tensor?[] inputs, OpAttributes attributes, string scope)
    {
        Index = index;
        Name = name;
        Outputs = outputs;
        Inputs = inputs;
        Attributes = attributes;
        Scope = scope;
    }

    /// <summary>The position of the op in the trace, counting from 0.</summary>
    public int Index { get; }

    /// <summary>The op's name, e.g. <c>Add</c>, <c>Matmul</c>, <c>Conv2d</c>, or a custom <see cref="Function"/>'s name.</summary>
    public string Name { get; }

    /// <summary>The tensors the op read, in order; null where an optional input was absent.</summary>
    public IReadOnlyList<Tensor?> Inputs { get; }

    /// <summary>The tensors the op returned.</summary>
    public IReadOnlyList<Tensor> Outputs { get; }

    /// <summary>The op's non-tensor arguments.</summary>
    public OpAttributes Attributes { get; }

    /// <summary>Where the op ran, e.g. the module path <c>features.0</c>; "" at the top level.</summary>
    public string Scope { get; }

    /// <summary>The op as error messages name it: name, scope and input shapes.</summary>
    public string Describe()
    {
        var shapes = string.Join(", ", Inputs.Select(t => t is null ? "none" : Shapes.Format(t.ShapeSpan)));
        string where = Scope.Length == 0 ? "" : $" in '{Scope}'";
        return $"op '{Name}'{where} ({(Inputs.Count == 0 ? "no inputs" : "inputs " + shapes)})";
    }

    /// <inheritdoc />
    public override string ToString() => Describe();
}
