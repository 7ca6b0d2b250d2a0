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
    internal Tensor? RetainedOutput;

    /// <summary>Where the forward op was called; captured only under <see cref="Autograd.DetectAnomaly"/>.</summary>
    internal System.Diagnostics.StackTrace? ForwardTrace;

    private protected Node()
    {
    }

    /// <summary>The op's backward name as PyTorch prints it, e.g. <c>MulBackward</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The nodes that receive this node's input gradients, one per input (null where an input needs no grad).</summary>
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

    /// <summary>Frees what the node saved for backward; a later backward through it then fails clearly.</summary>
    internal virtual void ReleaseSavedTensors()
    {
    }

    /// <summary>Whether input <paramref name="i"/> wants a gradient (PyTorch's <c>needs_input_grad</c>).</summary>
    internal bool NeedsInputGrad(int i) => Edges[i].Node is not null;

    internal void Connect(Tensor output, Tensor input)
    {
        Edges = [Edge.To(input)];
        output.SetHistory(this);
    }

    internal void Connect(Tensor output, Tensor a, Tensor b)
    {
        Edges = [Edge.To(a), Edge.To(b)];
        output.SetHistory(this);
    }

    internal void Connect(Tensor output, ReadOnlySpan<Tensor> inputs)
    {
        var edges = new Edge[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            edges[i] = Edge.To(inputs[i]);
        }
        Edges = edges;
        output.SetHistory(this);
    }

    /// <summary>Whether an op on these inputs must record a node: grad mode is on and some input requires grad.</summary>
    internal static bool IsNeeded(Tensor a) => a.RequiresGrad && Autograd.IsGradEnabled;

    internal static bool IsNeeded(Tensor a, Tensor b) => (a.RequiresGrad || b.RequiresGrad) && Autograd.IsGradEnabled;

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

    private Edge(Node? node, int[] shape, DType dtype)
    {
        Node = node;
        Shape = shape;
        DType = dtype;
    }

    public static Edge To(Tensor input) => new(input.GradientSink(), input.ShapeArray, input.DType);
}
