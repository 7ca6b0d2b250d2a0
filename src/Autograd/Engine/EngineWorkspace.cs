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

    /// <summary>
    /// Whether <see cref="Buffer"/> is a tensor this pass made for the sum alone (the sum of two gradients, or a slice's
    /// gradient written into zeros) that nothing else references yet, so later gradients may be added into it in place.
    /// </summary>
    public bool BufferOwned;

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
        BufferOwned = false;
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
/// <remarks>
/// The pool is trimmed: a pass over more than <see cref="RetainedNodeLimit"/> nodes gives the excess back when it
/// ends, so a thread that once ran a huge graph does not hold its bookkeeping (about 130 bytes a node) until it
/// exits. Such a pass pays for its collections again next time, which is small next to the forward pass that made
/// that many nodes; graphs of ordinary size keep running without allocating any of them.
/// </remarks>
internal sealed class EngineWorkspace
{
    /// <summary>The most nodes' worth of room a workspace keeps between passes (about 1 MB).</summary>
    internal const int RetainedNodeLimit = 8192;

    [ThreadStatic]
    private static EngineWorkspace? t_pooled;

    public readonly Dictionary<Node, NodeState> States = new(ReferenceEqualityComparer.Instance);
    public readonly Stack<Node> Ready = new();
    public readonly Stack<(Node Node, int NextEdge)> Walk = new();
    public readonly HashSet<Node> Visited = new(ReferenceEqualityComparer.Instance);

    /// <summary>Gradients a buffer let go of while a node's gradients were passed on, settled once all are (<see cref="GradientRelease"/>).</summary>
    public readonly List<Tensor> Unheld = [];
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
        bool oversized = States.Count > RetainedNodeLimit;
        foreach (var st in States.Values)
        {
            st.Reset();
            if (_spare.Count < RetainedNodeLimit)
            {
                _spare.Push(st);
            }
        }
        States.Clear();
        Ready.Clear();
        Walk.Clear();
        Visited.Clear();
        Unheld.Clear();
        if (oversized)
        {
            Trim();
        }
        t_pooled = this;
    }

    /// <summary>Shrinks every collection that grew beyond <see cref="RetainedNodeLimit"/> back to it (they are empty here).</summary>
    private void Trim()
    {
        if (States.Capacity > RetainedNodeLimit)
        {
            States.TrimExcess(RetainedNodeLimit);
        }
        if (Visited.Capacity > RetainedNodeLimit)
        {
            Visited.TrimExcess(RetainedNodeLimit);
        }
        // A stack's TrimExcess(n) sets its capacity to n, so it is called only to shrink.
        if (Ready.Capacity > RetainedNodeLimit)
        {
            Ready.TrimExcess(RetainedNodeLimit);
        }
        if (Walk.Capacity > RetainedNodeLimit)
        {
            Walk.TrimExcess(RetainedNodeLimit);
        }
        if (_spare.Capacity > RetainedNodeLimit)
        {
            _spare.TrimExcess(RetainedNodeLimit);
        }
    }

    /// <summary>
    /// The room this thread's pooled workspace keeps between passes, per collection (zeros if none is pooled), for
    /// tests of the trimming: entries of the node-state dictionary and of the visited set, slots of the ready and walk
    /// stacks, and spare node-state records kept for reuse.
    /// </summary>
    internal static (int States, int Visited, int Ready, int Walk, int SpareStates) PooledCapacity
        => t_pooled is { } w ? (w.States.Capacity, w.Visited.Capacity, w.Ready.Capacity, w.Walk.Capacity, w._spare.Count) : default;
}
