namespace MiniTorch.Onnx;

/// <summary>
/// What a lowering (<see cref="OnnxLowering"/>) sees of the graph being built: the traced op, the ONNX names, dtypes
/// and shapes of its inputs and outputs, and methods to add nodes and constants. Shapes are those of the traced
/// example; a dim that follows the batch is reported by <see cref="IsInputDimDynamic"/>/<see cref="IsOutputDimDynamic"/>.
/// </summary>
public sealed class OnnxLoweringContext
{
    private readonly GraphBuilder _graph;
    private readonly string _nodeName;
    private int _nodeCount;

    internal OnnxLoweringContext(GraphBuilder graph, TracedOp op, string nodeName)
    {
        _graph = graph;
        Op = op;
        _nodeName = nodeName;
    }

    /// <summary>The op being lowered.</summary>
    public TracedOp Op { get; }

    /// <summary>The number of inputs the op reported (absent optional inputs included).</summary>
    public int InputCount => Op.Inputs.Count;

    /// <summary>Whether input <paramref name="index"/> is present (an optional bias may be absent).</summary>
    public bool HasInput(int index) => Op.Inputs[index] is not null;

    /// <summary>The ONNX value name of input <paramref name="index"/>.</summary>
    public string Input(int index) => InputValue(index).Name;

    /// <summary>The ONNX name output <paramref name="index"/> of the op must be given.</summary>
    public string Output(int index) => _graph[Op.Outputs[index]].Name;

    /// <summary>The shape of input <paramref name="index"/> at the traced batch size.</summary>
    public int[] InputShape(int index) => (int[])InputValue(index).Shape.Clone();

    /// <summary>The shape of output <paramref name="index"/> at the traced batch size.</summary>
    public int[] OutputShape(int index) => (int[])_graph[Op.Outputs[index]].Shape.Clone();

    /// <summary>Whether dim <paramref name="dim"/> of input <paramref name="index"/> follows the batch size.</summary>
    public bool IsInputDimDynamic(int index, int dim) => InputValue(index).IsDynamic(dim);

    /// <summary>Whether dim <paramref name="dim"/> of output <paramref name="index"/> follows the batch size.</summary>
    public bool IsOutputDimDynamic(int index, int dim) => _graph[Op.Outputs[index]].IsDynamic(dim);

    /// <summary>The element type of input <paramref name="index"/>.</summary>
    public DType InputDType(int index) => InputValue(index).DType;

    /// <summary>The element type of output <paramref name="index"/>.</summary>
    public DType OutputDType(int index) => _graph[Op.Outputs[index]].DType;

    internal GraphValue InputValue(int index) =>
        Op.Inputs[index] is { } t ? _graph[t] : throw Error($"input {index} is absent but the lowering reads it");

    internal GraphValue OutputValue(int index) => _graph[Op.Outputs[index]];

    /// <summary>
    /// Adds a node; returns its output's name: <paramref name="output"/> if given (use <see cref="Output"/> for the
    /// op's own result), else a fresh name for an intermediate value.
    /// </summary>
    public string AddNode(string opType, IReadOnlyList<string> inputs, string? output = null, params OnnxAttribute[] attributes)
    {
        string name = output ?? TempName(opType);
        AddNodeWithOutputs(opType, inputs, [name], attributes);
        return name;
    }

    /// <summary>Adds a node with several outputs (name them with <see cref="Output"/> or <see cref="TempName"/>).</summary>
    public void AddNodeWithOutputs(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxAttribute[] attributes)
    {
        ArgumentNullException.ThrowIfNull(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        string nodeName = _nodeCount == 0 ? _nodeName : $"{_nodeName}/{opType}_{_nodeCount}";
        _nodeCount++;
        _graph.Nodes.Add(ProtoFactory.Node(opType, _graph.UniqueName(nodeName), inputs, outputs, attributes ?? []));
    }

    /// <summary>Adds a node of a custom domain (a plugin op lowered as a function); the model must carry the domain's FunctionProto.</summary>
    internal void AddDomainNode(string domain, string opType, IReadOnlyList<string> inputs, string output, IEnumerable<global::Onnx.AttributeProto> attributes)
    {
        string nodeName = _nodeCount == 0 ? _nodeName : $"{_nodeName}/{opType}_{_nodeCount}";
        _nodeCount++;
        var node = ProtoFactory.Node(opType, _graph.UniqueName(nodeName), inputs, [output], [], domain);
        node.Attribute.AddRange(attributes);
        _graph.Nodes.Add(node);
    }

    /// <summary>The graph being built, for lowerings that add functions.</summary>
    internal GraphBuilder Graph => _graph;

    /// <summary>A fresh value name under this op's node name.</summary>
    public string TempName(string hint) => _graph.UniqueName($"{_nodeName}/{hint}");

    /// <summary>A 1-D int64 constant (shapes, axes, slice bounds); returns its name.</summary>
    public string ConstantInts(params long[] values) => _graph.AddInitializer(ProtoFactory.Int64s(TempName("ints"), values));

    /// <summary>A 0-d constant of <paramref name="dtype"/>; returns its name.</summary>
    public string ConstantScalar(double value, DType dtype) => _graph.AddInitializer(ProtoFactory.Scalar(TempName("scalar"), value, dtype));

    /// <summary>A constant holding <paramref name="value"/>'s elements; returns its name.</summary>
    public string Constant(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return _graph.AddInitializer(ProtoFactory.Tensor(TempName("constant"), value));
    }

    /// <summary>Casts an index tensor of another integer type (Int32) to the int64 indices ONNX takes; returns the new name.</summary>
    public string ToIndices(string name) => AddNode("Cast", [name], null, OnnxAttribute.Int("to", ProtoFactory.Int64));

    /// <summary>Input <paramref name="index"/> as int64 indices: its own name when it is Int64 already (MiniTorch's index dtype), else a Cast.</summary>
    public string IndexInput(int index) => InputDType(index) == DType.Int64 ? Input(index) : ToIndices(Input(index));

    /// <summary>Input <paramref name="index"/> as <paramref name="dtype"/>: its own name when it has that dtype, else a Cast.</summary>
    public string InputAs(int index, DType dtype) => InputDType(index) == dtype ? Input(index) : CastTo(Input(index), dtype);

    /// <summary>Casts an int64 or bool result back to <paramref name="dtype"/>, into <paramref name="output"/>.</summary>
    public string CastTo(string name, DType dtype, string? output = null) =>
        AddNode("Cast", [name], output, OnnxAttribute.Int("to", ProtoFactory.ElementType(dtype)));

    /// <summary>An export error about this op: the message is prefixed with the op, where it ran and its input shapes.</summary>
    public OnnxExportException Error(string message) => new($"ONNX export: {Op.Describe()}: {message}");
}
