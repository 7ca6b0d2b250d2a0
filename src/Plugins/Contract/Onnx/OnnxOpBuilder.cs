namespace MiniTorch.Plugins;

/// <summary>
/// Writes a plugin op in ONNX operators, as the body of <see cref="OnnxOpLowering"/>; PyTorch's <c>g.op(...)</c> in a
/// symbolic function. Values are the op's inputs, its attributes and constants (scalars of the op's dtype, so one
/// lowering serves float32 and float64) and the outputs of the nodes added with <see cref="Op(string, OnnxValue?[])"/>;
/// the lowering returns the value that is the op's result. The builder only records: it references no ONNX package,
/// and the exporter turns the record into graph nodes (or a FunctionProto body).
/// </summary>
/// <example>
/// <code>
/// // swish(x) = x·σ(βx)
/// OnnxLowering = OnnxOpLowering.Compose(g => g.Op("Mul", g.Input(0), g.Op("Sigmoid", g.Op("Mul", g.Input(0), g.Attribute("beta")))))
/// </code>
/// </example>
public sealed class OnnxOpBuilder
{
    private readonly string _owner;
    private readonly IReadOnlyList<string> _inputs;
    private readonly IReadOnlyCollection<string> _attributes;
    private readonly List<OnnxLoweringNode> _nodes = [];

    internal OnnxOpBuilder(string owner, IReadOnlyList<string> inputs, IReadOnlyCollection<string> attributes)
    {
        _owner = owner;
        _inputs = inputs;
        _attributes = attributes;
    }

    internal IReadOnlyList<OnnxLoweringNode> Nodes => _nodes;

    /// <summary>The op's input <paramref name="index"/> (0-based, in <see cref="OpDefinition.Inputs"/> order).</summary>
    public OnnxValue Input(int index)
    {
        if ((uint)index >= (uint)_inputs.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"{_owner}: the ONNX lowering reads input {index}, but the op has {_inputs.Count} input(s) ({string.Join(", ", _inputs)}).");
        }
        return new OnnxValue(this, OnnxValueKind.Input, index);
    }

    /// <summary>The op's input named <paramref name="name"/> (one of <see cref="OpDefinition.Inputs"/>).</summary>
    public OnnxValue Input(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int index = IndexOf(_inputs, name);
        return index >= 0
            ? Input(index)
            : throw new ArgumentException($"{_owner}: the ONNX lowering reads input '{name}', but the op's inputs are {string.Join(", ", _inputs)}.", nameof(name));
    }

    /// <summary>A scalar of the op's dtype holding attribute <paramref name="name"/> of the call being exported (a constant, or the function's attribute in a FunctionProto).</summary>
    public OnnxValue Attribute(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        CheckAttribute(name);
        return new OnnxValue(this, OnnxValueKind.Attribute, attribute: name);
    }

    /// <summary>A scalar constant of the op's dtype (0-d, broadcasting against any input).</summary>
    public OnnxValue Constant(double value) => new(this, OnnxValueKind.Scalar, scalar: value);

    /// <summary>A 1-D int64 constant, for the axes, shapes and permutations some ONNX operators take as inputs.</summary>
    public OnnxValue Int64s(params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new OnnxValue(this, OnnxValueKind.Int64s, ints: (long[])values.Clone());
    }

    /// <summary>Adds a node of the standard ONNX operator <paramref name="opType"/> (opset 21) without attributes; returns its output.</summary>
    public OnnxValue Op(string opType, params OnnxValue?[] inputs) => Op(opType, inputs, []);

    /// <summary>Adds a node with attributes; returns its output. A null input is an absent optional input.</summary>
    public OnnxValue Op(string opType, OnnxValue?[] inputs, params OnnxNodeAttribute[] attributes) => Op(opType, 1, inputs, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs (e.g. Split); returns them in order.</summary>
    public OnnxValue[] Op(string opType, int outputCount, OnnxValue?[] inputs, params OnnxNodeAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputCount, 1);
        foreach (var input in inputs)
        {
            if (input is not null && !ReferenceEquals(input.Owner, this))
            {
                throw new ArgumentException($"{_owner}: the ONNX lowering's {opType} node reads {input} from another lowering; use only values made by this builder.", nameof(inputs));
            }
        }
        foreach (var attribute in attributes)
        {
            ArgumentNullException.ThrowIfNull(attribute, nameof(attributes));
            if (attribute.Kind == OnnxNodeAttributeKind.FloatFromOpAttribute)
            {
                CheckAttribute(attribute.Text!);
            }
        }
        var node = new OnnxLoweringNode(opType, (OnnxValue?[])inputs.Clone(), (OnnxNodeAttribute[])attributes.Clone());
        var outputs = new OnnxValue[outputCount];
        for (int k = 0; k < outputCount; k++)
        {
            outputs[k] = new OnnxValue(this, OnnxValueKind.NodeOutput, k, node: node);
        }
        node.Outputs = outputs;
        _nodes.Add(node);
        return outputs;
    }

    private void CheckAttribute(string name)
    {
        if (!_attributes.Contains(name))
        {
            throw new ArgumentException($"{_owner}: the ONNX lowering reads attribute '{name}', but the op declares {(_attributes.Count == 0 ? "no attributes" : "only " + string.Join(", ", _attributes.Order(StringComparer.Ordinal)))}.");
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>One ONNX node of a recorded lowering: the operator, its inputs, its attributes and its outputs.</summary>
public sealed class OnnxLoweringNode
{
    internal OnnxLoweringNode(string opType, IReadOnlyList<OnnxValue?> inputs, IReadOnlyList<OnnxNodeAttribute> attributes)
    {
        OpType = opType;
        Inputs = inputs;
        Attributes = attributes;
    }

    /// <summary>The standard ONNX operator, e.g. <c>Sigmoid</c>.</summary>
    public string OpType { get; }

    /// <summary>The node's inputs; null for an absent optional input.</summary>
    public IReadOnlyList<OnnxValue?> Inputs { get; }

    /// <summary>The node's attributes.</summary>
    public IReadOnlyList<OnnxNodeAttribute> Attributes { get; }

    /// <summary>The node's outputs.</summary>
    public IReadOnlyList<OnnxValue> Outputs { get; internal set; } = [];
}

/// <summary>A recorded lowering (<see cref="OnnxOpLowering.Record"/>): its nodes in the order they were added, and the value that is the op's result.</summary>
/// <param name="Nodes">The ONNX nodes, each after the nodes it reads.</param>
/// <param name="Output">The op's result.</param>
public sealed record OnnxLoweringGraph(IReadOnlyList<OnnxLoweringNode> Nodes, OnnxValue Output);
