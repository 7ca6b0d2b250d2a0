namespace MiniTorch;

/// <summary>
/// A node of the backward graph (PyTorch's <c>grad_fn</c>): it turns the gradient of the tensor it
/// produced into gradients of that op's inputs. Built-in ops and <see cref="Function"/> create nodes;
/// user code reads them (<see cref="Name"/>, <see cref="NextFunctions"/>) but does not subclass them.
/// </summary>
public abstract class Node
{
    private static readonly Edge[] NoEdges = [];
    internal Edge[] Edges = NoEdges;
    internal List<Func<Tensor, Tensor?>>? PreHooks;
    private Tensor? _retainedOutput;

    // Per-output tensor hooks and retained tensors of a node with several outputs (a MultiOutputFunction's).
    private List<Func<Tensor, Tensor?>>?[]? _outputHooks;
    private Tensor?[]? _retainedOutputs;

    /// <summary>Where the forward op was called; captured only under <see cref="Autograd.DetectAnomaly"/>.</summary>
    internal System.Diagnostics.StackTrace? ForwardTrace;

    private protected Node()
    {
    }

    /// <summary>The op's backward name as PyTorch prints it, e.g. <c>MulBackward</c>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The nodes that receive this node's input gradients, one per input, null where an input needs no grad (a
    /// constant), as PyTorch's <c>next_functions</c> without the output numbers.
    /// </summary>
    public IReadOnlyList<Node?> NextFunctions
    {
        get
        {
            var result = new Node?[Edges.Length];
            for (int i = 0; i < Edges.Length; i++)
            {
                result[i] = Edges[i].Node;
            }
            return result;
        }
    }

    /// <summary>Computes the gradients of the inputs, one per edge (null where an input needs none).</summary>
    internal abstract Tensor?[] Apply(Tensor gradOutput);

    /// <summary>
    /// Whether <see cref="AccumulateIntoInput"/> is available: the node has one input, whose gradient is the output's
    /// gradient written into zeros (a slice's backward), so it can be added straight into that input's gradient sum.
    /// </summary>
    internal virtual bool AccumulatesIntoInput => false;

    /// <summary>
    /// The input's gradient sum with this node's contribution added: into <paramref name="ownedSum"/> itself (a
    /// tensor the engine made during this pass and handed to no one) when it is not null, else a new tensor (the
    /// contribution alone). Called without a graph being recorded; the engine checks <see cref="AccumulatesIntoInput"/> first.
    /// </summary>
    internal virtual Tensor AccumulateIntoInput(Tensor gradOutput, Tensor? ownedSum) =>
        throw new InvalidOperationException($"{Name} cannot add its gradient into its input's gradient sum.");

    /// <summary>How many outputs the op had, each receiving its own gradient (1 but for a <see cref="MultiOutputFunction"/>).</summary>
    internal virtual int OutputCount => 1;

    /// <summary>For a node with several outputs: the inputs' gradients from one gradient per output (null for an output that got none).</summary>
    internal virtual Tensor?[] ApplyOutputs(Tensor?[] gradOutputs) => Apply(gradOutputs[0]!);

    /// <summary>The tensor hooks of output <paramref name="outputNr"/>, created on first use.</summary>
    internal List<Func<Tensor, Tensor?>> HooksFor(int outputNr)
    {
        if (OutputCount == 1)
        {
            return PreHooks ??= [];
        }
        _outputHooks ??= new List<Func<Tensor, Tensor?>>?[OutputCount];
        return _outputHooks[outputNr] ??= [];
    }

    /// <summary>The tensor hooks of output <paramref name="outputNr"/>, or null.</summary>
    internal List<Func<Tensor, Tensor?>>? HooksOf(int outputNr) => OutputCount == 1 ? PreHooks : _outputHooks?[outputNr];

    /// <summary>The non-leaf tensor whose gradient backward fills (<see cref="Tensor.RetainGrad"/>), for output <paramref name="outputNr"/>.</summary>
    internal Tensor? RetainedOutput(int outputNr) => OutputCount == 1 ? _retainedOutput : _retainedOutputs?[outputNr];

    internal void SetRetainedOutput(int outputNr, Tensor tensor)
    {
        if (OutputCount == 1)
        {
            _retainedOutput = tensor;
            return;
        }
        (_retainedOutputs ??= new Tensor?[OutputCount])[outputNr] = tensor;
    }

    /// <summary>
    /// Whether the node's backward is MiniTorch's own code, which keeps no reference to the gradient it receives and
    /// hands it to no user code (built-in ops and leaves' accumulators), so the pass may recycle that gradient once the
    /// node has run (<see cref="GradientRelease"/>). A custom <see cref="Function"/>'s node is not: its backward is user code.
    /// </summary>
    internal virtual bool KeepsNoGradient => false;

    /// <summary>Frees what the node saved for backward; a later backward through it then fails clearly.</summary>
    internal virtual void ReleaseSavedTensors()
    {
    }

    /// <summary>Whether input <paramref name="i"/> wants a gradient (PyTorch's <c>needs_input_grad</c>).</summary>
    internal bool NeedsInputGrad(int i) => Edges[i].Node is not null;

    /// <summary>
    /// Whether a custom function applied to these inputs must record a node: grad mode is on and some input requires
    /// grad. Built-in ops decide this in their one recording path (<see cref="OpRecorder"/>).
    /// </summary>
    internal static bool IsNeeded(ReadOnlySpan<Tensor> inputs)
    {
        if (!Autograd.IsGradEnabled)
        {
            return false;
        }
        foreach (var t in inputs)
        {
            if (t.RequiresGrad)
            {
                return true;
            }
        }
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => $"<{Name}>";
}

/// <summary>A link from a node to the node that receives one input's gradient, with the shape that gradient must have.</summary>
internal readonly struct Edge
{
    public readonly Node? Node;
    public readonly int[] Shape;
    public readonly DType DType;

    /// <summary>Which output of <see cref="Node"/> the gradient is for (PyTorch's <c>input_nr</c>).</summary>
    public readonly int OutputNr;

    private Edge(Node? node, int outputNr, int[] shape, DType dtype)
    {
        Node = node;
        OutputNr = outputNr;
        Shape = shape;
        DType = dtype;
    }

    /// <summary>The edge of a constant input (a scalar operand): no node receives its gradient.</summary>
    public static Edge Constant(DType dtype) => new(null, 0, [], dtype);

    public static Edge To(Tensor input) => new(input.GradientSink(), input.GradFn is null ? 0 : input.OutputNr, input.ShapeArray, input.DType);
}
