using System.Globalization;

namespace MiniTorch.Plugins;

/// <summary>What an <see cref="OnnxValue"/> of a lowering stands for.</summary>
public enum OnnxValueKind
{
    /// <summary>One of the op's tensor inputs (<see cref="OnnxOpBuilder.Input(int)"/>).</summary>
    Input,

    /// <summary>A scalar of the op's dtype holding one of the op's attributes (<see cref="OnnxOpBuilder.Attribute"/>).</summary>
    Attribute,

    /// <summary>A scalar constant of the op's dtype (<see cref="OnnxOpBuilder.Constant(double)"/>).</summary>
    Scalar,

    /// <summary>A 1-D int64 constant, for axes and shapes (<see cref="OnnxOpBuilder.Int64s"/>).</summary>
    Int64s,

    /// <summary>An output of an ONNX node the lowering added (<see cref="OnnxOpBuilder.Op(string, OnnxValue?[])"/>).</summary>
    NodeOutput,
}

/// <summary>
/// A value in a plugin op's ONNX lowering: an input, an attribute or constant, or the output of a node. Values are
/// handles made by one <see cref="OnnxOpBuilder"/>; the exporter gives them ONNX names when it writes the graph.
/// </summary>
public sealed class OnnxValue
{
    internal OnnxValue(OnnxOpBuilder owner, OnnxValueKind kind, int index = 0, string? attribute = null, double scalar = 0, long[]? ints = null, OnnxLoweringNode? node = null)
    {
        Owner = owner;
        Kind = kind;
        Index = index;
        AttributeName = attribute;
        ScalarValue = scalar;
        Int64Values = ints;
        Node = node;
    }

    /// <summary>What the value stands for.</summary>
    public OnnxValueKind Kind { get; }

    /// <summary>The input's position (<see cref="OnnxValueKind.Input"/>) or the node output's position (<see cref="OnnxValueKind.NodeOutput"/>).</summary>
    public int Index { get; }

    /// <summary>The op attribute's name, for <see cref="OnnxValueKind.Attribute"/>.</summary>
    public string? AttributeName { get; }

    /// <summary>The constant, for <see cref="OnnxValueKind.Scalar"/>.</summary>
    public double ScalarValue { get; }

    /// <summary>The constant, for <see cref="OnnxValueKind.Int64s"/>.</summary>
    public IReadOnlyList<long>? Int64Values { get; }

    /// <summary>The node that produces the value, for <see cref="OnnxValueKind.NodeOutput"/>.</summary>
    public OnnxLoweringNode? Node { get; }

    internal OnnxOpBuilder Owner { get; }

    /// <summary>The value as error messages name it: <c>input 0</c>, <c>attribute beta</c>, <c>Sigmoid output 0</c>.</summary>
    public override string ToString() => Kind switch
    {
        OnnxValueKind.Input => $"input {Index}",
        OnnxValueKind.Attribute => $"attribute {AttributeName}",
        OnnxValueKind.Scalar => "constant " + ScalarValue.ToString("R", CultureInfo.InvariantCulture),
        OnnxValueKind.Int64s => $"int64 constant [{string.Join(", ", Int64Values!)}]",
        _ => $"{Node!.OpType} output {Index}",
    };
}
