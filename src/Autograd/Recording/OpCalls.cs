namespace MiniTorch;

/// <summary>What an op's backward rule reads: the output's gradient, the op's arguments, its saved tensors and its operands' shapes.</summary>
internal readonly ref struct BackwardCall<TArgs>
{
    private readonly OpNode<TArgs> _node;

    internal BackwardCall(OpNode<TArgs> node, Tensor grad)
    {
        _node = node;
        Grad = grad;
    }

    /// <summary>The gradient of the output.</summary>
    public Tensor Grad { get; }

    /// <summary>The op's non-tensor arguments.</summary>
    public TArgs Args => _node.Args;

    /// <summary>Whether differentiable operand <paramref name="operand"/> wants a gradient (PyTorch's <c>needs_input_grad</c>).</summary>
    public bool NeedsGrad(int operand) => _node.NeedsInputGrad(_node.Definition.EdgeOf(operand));

    /// <summary>The shape differentiable operand <paramref name="operand"/> had.</summary>
    public int[] InputShape(int operand) => _node.Edges[_node.Definition.EdgeOf(operand)].Shape;

    /// <summary>Operand <paramref name="operand"/>, as saved (throws if it was changed in place since, or released).</summary>
    public Tensor Input(int operand) => _node.Unpack(operand, $"operand {operand}");

    /// <summary>Output <paramref name="output"/>, as saved (throws if it was changed in place since, or released).</summary>
    public Tensor Output(int output = 0) => _node.Unpack(Save.OutputSource(output), $"output {output}");

    /// <summary><paramref name="grad"/> summed over the dims broadcasting added to operand <paramref name="operand"/>.</summary>
    public Tensor SumToInput(int operand, Tensor grad) => grad.SumToShape(InputShape(operand));
}

/// <summary>What an op's forward-mode rule reads: its operands and outputs, their tangents and the op's arguments.</summary>
internal readonly ref struct JvpCall<TArgs>
{
    private readonly ReadOnlySpan<Tensor> _outputs;
    private readonly ReadOnlySpan<Tensor?> _operands;
    private readonly ReadOnlySpan<Tensor?> _tangents;

    internal JvpCall(ReadOnlySpan<Tensor> outputs, ReadOnlySpan<Tensor?> operands, ReadOnlySpan<Tensor?> tangents, TArgs args)
    {
        _outputs = outputs;
        _operands = operands;
        _tangents = tangents;
        Args = args;
    }

    /// <summary>The op's non-tensor arguments.</summary>
    public TArgs Args { get; }

    /// <summary>The tangent of differentiable operand <paramref name="operand"/>, or null (zero). For an op with one differentiable operand it is never null.</summary>
    public Tensor? Tangent(int operand) => _tangents[operand];

    /// <summary>The tangent of operand <paramref name="operand"/>, zeros of its shape where it has none.</summary>
    public Tensor TangentOrZeros(int operand) => _tangents[operand] ?? Tensor.ZerosLike(Input(operand));

    /// <summary>Operand <paramref name="operand"/> (its primal value).</summary>
    public Tensor Input(int operand) => _operands[operand] ?? throw new InvalidOperationException($"JvpCall: operand {operand} is a constant.");

    /// <summary>Output <paramref name="output"/> (its primal value).</summary>
    public Tensor Output(int output = 0) => _outputs[output];
}
