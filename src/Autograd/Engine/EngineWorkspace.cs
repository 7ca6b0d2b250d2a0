namespace MiniTorch;

/// <summary>
/// What one backward pass knows about one node: how many gradients it still waits for, the gradients received so
/// far, whether the pass needs it, and which <see cref="Autograd.Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}?, bool?, bool, bool)"/>
/// inputs it delivers.
/// </summary>
internal sealed class NodeState
{
    /// <summary>The gradients the node still waits for (one per needed parent edge); it runs when this reaches zero.</summary>
    public int Dependencies;

    /// <summary>The sum of the gradients received so far, for a node with one output.</summary>
    public Tensor? Buffer;

    /// <summary>One gradient buffer per output, for a node with several outputs (<see cref="Buffer"/> is unused then).</summary>
    public Tensor?[]? Buffers;

    /// <summary>Whether the pass runs the node (in <see cref="BackwardMode.ReturnInputGradients"/>, only nodes on a path to an input).</summary>
    public bool Needed;

    /// <summary>The slots of the result this node's output gradients fill, with the output each one reads.</summary>
    public List<(int Slot, int OutputNr)>? CaptureSlots;

    /// <summary>Whether a gradient has arrived for at least one output.</summary>
    public bool HasGradient(Node node) => node.OutputCount == 1 ? Buffer is not null : Buffers is not null;

    /// <summary>Drops every reference (so no tensor or list is kept alive) for reuse by another pass.</summary>
    public void Reset()
    {
        Dependencies = 0;
        Buffer = null;
        Buffers = null;
        Needed = false;
        CaptureSlots = null;
    }
}

/// <summary>
/// The collections one backward pass works in, pooled per thread and cleared after each pass, so that a training
/// step's backward allocates no dictionary, stacks or per-node records. A pass started from inside another (a hook
/// calling <see cref="Autograd.Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}?, bool?, bool, bool)"/>)
/// finds the pooled workspace taken and works in a fresh one.
/// </summary>
internal sealed class EngineWorkspace
{
    [ThreadStatic]
    private static EngineWorkspace? t_pooled;

    public readonly Dictionary<Node, NodeState> States = new(ReferenceEqualityComparer.Instance);
    public readonly Stack<Node> Ready = new();
    public readonly Stack<(Node Node, int NextEdge)> Walk = new();
    public readonly HashSet<Node> Visited = new(ReferenceEqualityComparer.Instance);
    private readonly Stack<NodeState> _spare = new();

    /// <summary>This thread's pooled workspace, or a new one if it is in use (a nested pass) or was never made.</summary>
    public static EngineWorkspace Rent()
    {
        var workspace = t_pooled ?? new EngineWorkspace();
        t_pooled = null;
        return workspace;
    }

    /// <summary>The state of <paramref name="node"/> in this pass, registering the node on first use.</summary>
    public NodeState StateOf(Node node)
    {
        if (!States.TryGetValue(node, out var st))
        {
            st = _spare.TryPop(out var spare) ? spare : new NodeState();
            States[node] = st;
        }
        return st;
    }

    /// <summary>Clears everything (dropping references to tensors and nodes, so none is kept alive) and pools this for the next pass.</summary>
    public void Return()
    {
        foreach (var st in States.Values)
        {
            st.Reset();
            _spare.Push(st);
        }
        States.Clear();
        Ready.Clear();
        Walk.Clear();
        Visited.Clear();
        t_pooled = this;
    }
}
