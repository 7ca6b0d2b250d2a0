namespace MiniTorch;

/// <summary>
/// The backward pass: discovers the graph from the roots without recursion, counts how many
/// gradients each node waits for, then runs each node once, when all of them have arrived.
/// </summary>
internal static class Engine
{
    private sealed class NodeState
    {
        public int Dependencies;
        public Tensor? Buffer;

        /// <summary>One gradient buffer per output, for a node with several outputs (<see cref="Buffer"/> is unused then).</summary>
        public Tensor?[]? Buffers;
        public bool Needed;
        public List<(int Slot, int OutputNr)>? CaptureSlots;
    }

    /// <summary>
    /// The collections one backward run works with, kept per thread and cleared after each run, so that a training
    /// step's backward allocates no dictionary, stacks or per-node records. A backward started from inside another
    /// (a hook calling <see cref="Autograd.Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}?, bool?, bool, bool)"/>)
    /// finds the cache taken and uses fresh collections.
    /// </summary>
    private sealed class RunState
    {
        [ThreadStatic]
        private static RunState? t_cached;

        public readonly Dictionary<Node, NodeState> States = new(ReferenceEqualityComparer.Instance);
        public readonly Stack<Node> Ready = new();
        public readonly Stack<(Node Node, int NextEdge)> Walk = new();
        public readonly HashSet<Node> Visited = new(ReferenceEqualityComparer.Instance);
        private readonly Stack<NodeState> _spare = new();

        public static RunState Take()
        {
            var run = t_cached ?? new RunState();
            t_cached = null;
            return run;
        }

        public NodeState NewNodeState() => _spare.TryPop(out var st) ? st : new NodeState();

        /// <summary>Clears everything (dropping references to tensors and nodes, so none is kept alive) and caches this for the next run.</summary>
        public void Return()
        {
            foreach (var st in States.Values)
            {
                st.Dependencies = 0;
                st.Buffer = null;
                st.Buffers = null;
                st.Needed = false;
                st.CaptureSlots = null;
                _spare.Push(st);
            }
            States.Clear();
            Ready.Clear();
            Walk.Clear();
            Visited.Clear();
            t_cached = this;
        }
    }

    /// <summary>
    /// Runs backward from <paramref name="roots"/>. With <paramref name="inputs"/> null, gradients are accumulated
    /// into leaves (<see cref="Tensor.Backward"/>); otherwise they are returned, one per input, and no
    /// <see cref="Tensor.Grad"/> is touched (<see cref="Autograd.Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}?, bool?, bool, bool)"/>).
    /// </summary>
    public static Tensor?[] Run(IReadOnlyList<Tensor> roots, IReadOnlyList<Tensor?>? rootGrads, bool retainGraph, bool createGraph, IReadOnlyList<Tensor>? inputs)
    {
        if (rootGrads is not null && rootGrads.Count != roots.Count)
        {
            throw new ArgumentException($"Backward: got {roots.Count} outputs but {rootGrads.Count} gradients; pass one gradient (or null) per output.");
        }
        var run = RunState.Take();
        if (++t_depth == 1)
        {
            GradientHandoff.EnterOutermostBackward();
        }
        StorageReclaimer.EnterBackward();
        try
        {
            var result = Run(run, roots, rootGrads, retainGraph, createGraph, inputs);
            if (t_depth == 1)
            {
                RunFinalCallbacks();
            }
            return result;
        }
        finally
        {
            if (--t_depth == 0)
            {
                t_finalCallbacks?.Clear();
            }
            run.Return();
            StorageReclaimer.ExitBackward(); // the end of an outermost pass recycles unreachable tensors' arrays
        }
    }

    [ThreadStatic]
    private static int t_depth;

    [ThreadStatic]
    private static List<Action>? t_finalCallbacks;

    /// <summary>Whether a backward pass is running on this thread (so <see cref="QueueCallback"/> may be called).</summary>
    internal static bool IsRunning => t_depth > 0;

    /// <summary>
    /// Queues <paramref name="callback"/> to run once the backward pass running on this thread has finished every
    /// node (PyTorch's <c>Variable._execution_engine.queue_callback</c>, which DistributedDataParallel uses to wait
    /// for its last gradient reductions). Callbacks run in the order queued, only when the backward succeeds.
    /// </summary>
    /// <exception cref="InvalidOperationException">No backward pass is running on this thread.</exception>
    internal static void QueueCallback(Action callback)
    {
        if (t_depth == 0)
        {
            throw new InvalidOperationException("Engine.QueueCallback: final callbacks can only be installed during the backward pass.");
        }
        (t_finalCallbacks ??= []).Add(callback);
    }

    private static void RunFinalCallbacks()
    {
        var callbacks = t_finalCallbacks;
        // Index loop: a callback may queue another, which then runs in the same pass.
        for (int i = 0; callbacks is not null && i < callbacks.Count; i++)
        {
            callbacks[i]();
        }
        callbacks?.Clear();
    }

    private static Tensor?[] Run(RunState run, IReadOnlyList<Tensor> roots, IReadOnlyList<Tensor?>? rootGrads, bool retainGraph, bool createGraph, IReadOnlyList<Tensor>? inputs)
    {
        bool detectAnomaly = Autograd.IsAnomalyEnabled;
        var states = run.States;
        var captured = inputs is null ? [] : new Tensor?[inputs.Count];
        if (inputs is not null)
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                // Creates the leaf's accumulator if need be: a leaf that is itself an output (d x / d x, as when an
                // op's backward hands back the incoming gradient unchanged) has none until it is seeded.
                var sink = inputs[i].GradientSink();
                if (sink is not null)
                {
                    (State(run, sink).CaptureSlots ??= []).Add((i, inputs[i].GradFn is null ? 0 : inputs[i].OutputNr));
                }
            }
        }

        var rootNodes = new Node[roots.Count];
        var seeds = new Tensor[roots.Count];
        for (int i = 0; i < roots.Count; i++)
        {
            (rootNodes[i], seeds[i]) = Seed(roots[i], rootGrads?[i], i, createGraph);
        }

        Discover(run, rootNodes, inputs is not null);

        var ready = run.Ready;
        for (int i = 0; i < rootNodes.Length; i++)
        {
            var st = states[rootNodes[i]];
            if (st.Needed)
            {
                AddGradient(rootNodes[i], st, roots[i].GradFn is null ? 0 : roots[i].OutputNr, seeds[i], createGraph);
            }
        }
        foreach (var node in rootNodes)
        {
            var st = states[node];
            if (st.Needed && st.Dependencies == 0 && !ready.Contains(node))
            {
                ready.Push(node);
            }
        }

        while (ready.Count > 0)
        {
            var node = ready.Pop();
            var st = states[node];
            Tensor?[]? inputGrads = null;
            Tensor? single = null;
            Tensor?[]? several = null;
            if (node.OutputCount == 1 ? st.Buffer is not null : st.Buffers is not null)
            {
                // One gradient per output of the node: a single one (no array) for every built-in op.
                if (node.OutputCount == 1)
                {
                    single = Received(node, st, 0, st.Buffer!, captured, inputs is null, createGraph);
                }
                else
                {
                    several = st.Buffers!;
                    for (int k = 0; k < several.Length; k++)
                    {
                        if (several[k] is { } grad)
                        {
                            several[k] = Received(node, st, k, grad, captured, inputs is null, createGraph);
                        }
                    }
                }
                st.Buffer = null;
                st.Buffers = null;
                bool execute = inputs is null ? true : node is not AccumulateGrad && AnyChildNeeded(node, states);
                if (execute)
                {
                    using (Autograd.SetGradEnabled(createGraph))
                    {
                        inputGrads = several is null ? node.Apply(single!) : node.ApplyOutputs(several);
                    }
                    if (inputGrads.Length != node.Edges.Length)
                    {
                        throw new AutogradException($"{node.Name} returned an incorrect number of gradients (expected {node.Edges.Length}, got {inputGrads.Length}).");
                    }
                    if (detectAnomaly)
                    {
                        AnomalyDetection.CheckGradients(node, inputGrads);
                    }
                    if (!retainGraph)
                    {
                        node.ReleaseSavedTensors();
                    }
                }
            }
            var edges = node.Edges;
            for (int e = 0; e < edges.Length; e++)
            {
                var child = edges[e].Node;
                if (child is null || !states.TryGetValue(child, out var cs) || !cs.Needed)
                {
                    continue;
                }
                var g = inputGrads?[e];
                if (g is not null)
                {
                    Validate(node, e, edges[e], g);
                    AddGradient(child, cs, edges[e].OutputNr, g, createGraph);
                }
                if (--cs.Dependencies == 0)
                {
                    ready.Push(child);
                }
            }
        }
        return captured;
    }

    private static (Node Node, Tensor Seed) Seed(Tensor root, Tensor? grad, int index, bool createGraph)
    {
        var node = root.GradientSink()
            ?? throw new AutogradException($"element {index} of tensors does not require grad and does not have a grad_fn (shape {Shapes.Format(root.ShapeSpan)}). Set RequiresGrad = true on the leaves you differentiate with respect to before computing it.");
        if (grad is null)
        {
            if (root.Numel != 1)
            {
                throw new AutogradException(
                    $"grad can be implicitly created only for scalar outputs, but the output has shape {Shapes.Format(root.ShapeSpan)}. " +
                    "Pass the vector of the vector-Jacobian product explicitly, e.g. y.Backward(Tensor.OnesLike(y)), or reduce the output to a scalar first (y.Sum().Backward()).");
            }
            return (node, Tensor.OnesLike(root));
        }
        if (!Shapes.SameShape(grad.ShapeSpan, root.ShapeSpan))
        {
            throw new ArgumentException($"Mismatch in shape: grad_output[{index}] has a shape of {Shapes.Format(grad.ShapeSpan)} and output[{index}] has a shape of {Shapes.Format(root.ShapeSpan)}.");
        }
        if (grad.DType != root.DType)
        {
            throw new ArgumentException($"Mismatch in dtype: grad_output[{index}] is {grad.DType} and output[{index}] is {root.DType}.");
        }
        return (node, createGraph ? grad : grad.Detach());
    }

    /// <summary>Iterative depth-first walk: registers every node, marks which are needed, then counts dependencies.</summary>
    private static void Discover(RunState run, Node[] roots, bool onlyTowardInputs)
    {
        var states = run.States;
        var stack = run.Walk;
        var visited = run.Visited;
        foreach (var root in roots)
        {
            if (!visited.Add(root))
            {
                continue;
            }
            State(run, root);
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (node, e) = stack.Pop();
                if (e < node.Edges.Length)
                {
                    stack.Push((node, e + 1));
                    var child = node.Edges[e].Node;
                    if (child is not null && visited.Add(child))
                    {
                        State(run, child);
                        stack.Push((child, 0));
                    }
                    continue;
                }
                // Post-order: every child is complete, so "needed" can be decided here.
                var st = states[node];
                st.Needed = !onlyTowardInputs || st.CaptureSlots is not null || AnyChildNeeded(node, states);
            }
        }
        foreach (var (node, st) in states)
        {
            if (!st.Needed)
            {
                continue;
            }
            foreach (var edge in node.Edges)
            {
                if (edge.Node is not null && states[edge.Node].Needed)
                {
                    states[edge.Node].Dependencies++;
                }
            }
        }
    }

    private static bool AnyChildNeeded(Node node, Dictionary<Node, NodeState> states)
    {
        foreach (var edge in node.Edges)
        {
            if (edge.Node is not null && states.TryGetValue(edge.Node, out var cs) && cs.Needed)
            {
                return true;
            }
        }
        return false;
    }

    private static NodeState State(RunState run, Node node)
    {
        if (!run.States.TryGetValue(node, out var st))
        {
            st = run.NewNodeState();
            run.States[node] = st;
        }
        return st;
    }

    /// <summary>
    /// A node's output gradient has arrived: runs the output's tensor hooks, hands the result to
    /// <see cref="Autograd.Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}?, bool?, bool, bool)"/>'s
    /// captures and to a retained non-leaf gradient, and returns it.
    /// </summary>
    private static Tensor Received(Node node, NodeState st, int outputNr, Tensor grad, Tensor?[] captured, bool accumulate, bool createGraph)
    {
        grad = RunPreHooks(node, outputNr, grad);
        if (st.CaptureSlots is not null)
        {
            foreach (var (slot, nr) in st.CaptureSlots)
            {
                if (nr == outputNr)
                {
                    captured[slot] = grad;
                }
            }
        }
        if (accumulate && node.RetainedOutput(outputNr) is { } retained)
        {
            using (Autograd.SetGradEnabled(createGraph))
            {
                AccumulateGrad.Accumulate(retained, grad);
            }
        }
        return grad;
    }

    /// <summary>Adds a gradient into the buffer of output <paramref name="outputNr"/> of <paramref name="node"/>.</summary>
    private static void AddGradient(Node node, NodeState st, int outputNr, Tensor g, bool createGraph)
    {
        if (node.OutputCount == 1)
        {
            st.Buffer = st.Buffer is null ? g : Sum(st.Buffer, g, createGraph);
            return;
        }
        var buffers = st.Buffers ??= new Tensor?[node.OutputCount];
        buffers[outputNr] = buffers[outputNr] is { } existing ? Sum(existing, g, createGraph) : g;
    }

    private static Tensor RunPreHooks(Node node, int outputNr, Tensor grad)
    {
        if (node.HooksOf(outputNr) is not { Count: > 0 } hooks)
        {
            return grad;
        }
        foreach (var hook in hooks.ToArray())
        {
            GradientHandoff.Expose(grad); // the hook may keep it
            var replaced = hook(grad);
            if (replaced is not null)
            {
                GradientHandoff.Expose(replaced);
                if (!Shapes.SameShape(replaced.ShapeSpan, grad.ShapeSpan) || replaced.DType != grad.DType)
                {
                    throw new AutogradException($"A hook on the tensor produced by {node.Name} returned a gradient of {replaced.DType} {Shapes.Format(replaced.ShapeSpan)}; it must keep the gradient's {grad.DType} {Shapes.Format(grad.ShapeSpan)}.");
                }
                grad = replaced;
            }
        }
        return grad;
    }

    private static void Validate(Node node, int index, in Edge edge, Tensor grad)
    {
        if (!Shapes.SameShape(grad.ShapeSpan, edge.Shape))
        {
            throw new AutogradException($"Function {node.Name} returned an invalid gradient at index {index} - got {Shapes.Format(grad.ShapeSpan)} but expected shape compatible with {Shapes.Format(edge.Shape)}.");
        }
        if (grad.DType != edge.DType)
        {
            throw new AutogradException($"Function {node.Name} returned an invalid gradient at index {index} - expected dtype {edge.DType} but got {grad.DType}.");
        }
    }

    private static Tensor Sum(Tensor a, Tensor b, bool createGraph)
    {
        using (Autograd.SetGradEnabled(createGraph))
        {
            return a + b;
        }
    }
}
