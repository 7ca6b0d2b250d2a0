namespace MiniTorch;

/// <summary>What a backward pass does with the gradients it computes.</summary>
internal enum BackwardMode
{
    /// <summary>
    /// <see cref="Tensor.Backward"/> and <see cref="Autograd.Backward(IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}?, bool?, bool, IReadOnlyList{Tensor}?)"/>
    /// without inputs: every node reachable from the roots runs, and gradients accumulate into the leaves'
    /// <see cref="Tensor.Grad"/> and into retained non-leaf gradients.
    /// </summary>
    AccumulateIntoGrad,

    /// <summary>
    /// <see cref="Autograd.Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}?, bool?, bool, bool)"/>
    /// (and <c>Autograd.Backward</c> with inputs): only nodes on a path to an input run, the inputs' gradients are
    /// returned, and no <see cref="Tensor.Grad"/> is touched.
    /// </summary>
    ReturnInputGradients,
}

/// <summary>
/// One backward pass over a graph, in four named steps: <see cref="Seed"/> the roots' gradients,
/// <see cref="DiscoverDependencies"/> (which nodes run and how many gradients each waits for),
/// <see cref="Execute"/> each node once all of its gradients have arrived, and accumulate what it returns into its
/// children's buffers (<see cref="AccumulateIntoBuffer"/>). The walk is iterative, so graph depth is not bounded by the stack.
/// </summary>
internal readonly partial struct BackwardPass
{
    private readonly EngineWorkspace _workspace;
    private readonly BackwardMode _mode;
    private readonly bool _retainGraph;
    private readonly bool _createGraph;
    private readonly bool _detectAnomaly;

    /// <summary>Whether consumed intermediate gradients go back to the pool at once (<see cref="GradientRelease"/>).</summary>
    private readonly bool _release;

    /// <summary>The gradients returned for <see cref="BackwardMode.ReturnInputGradients"/>, one slot per input (empty otherwise).</summary>
    private readonly Tensor?[] _captured;

    public BackwardPass(EngineWorkspace workspace, BackwardMode mode, bool retainGraph, bool createGraph, int inputCount, bool outermost)
    {
        _release = GradientRelease.AppliesTo(outermost, createGraph);
        _workspace = workspace;
        _mode = mode;
        _retainGraph = retainGraph;
        _createGraph = createGraph;
        _detectAnomaly = Autograd.IsAnomalyEnabled;
        _captured = mode == BackwardMode.ReturnInputGradients ? new Tensor?[inputCount] : [];
    }

    /// <summary>Runs the pass from <paramref name="roots"/>; returns the inputs' gradients (empty when accumulating into Grad).</summary>
    public Tensor?[] Run(IReadOnlyList<Tensor> roots, IReadOnlyList<Tensor?>? rootGrads, IReadOnlyList<Tensor>? inputs)
    {
        if (_mode == BackwardMode.ReturnInputGradients)
        {
            RegisterInputs(inputs!);
        }
        var rootNodes = new Node[roots.Count];
        var seeds = new Tensor[roots.Count];
        for (int i = 0; i < roots.Count; i++)
        {
            (rootNodes[i], seeds[i]) = Seed(roots[i], rootGrads?[i], i, _createGraph);
        }
        DiscoverDependencies(rootNodes);
        Execute(roots, rootNodes, seeds);
        return _captured;
    }

    /// <summary>Marks the node that receives each input's gradient, so that the gradient is captured when it arrives there.</summary>
    private void RegisterInputs(IReadOnlyList<Tensor> inputs)
    {
        for (int i = 0; i < inputs.Count; i++)
        {
            // Creates the leaf's accumulator if need be: a leaf that is itself an output (d x / d x, as when an
            // op's backward hands back the incoming gradient unchanged) has none until it is seeded.
            var sink = inputs[i].GradientSink();
            if (sink is not null)
            {
                (_workspace.StateOf(sink).CaptureSlots ??= []).Add((i, inputs[i].GradFn is null ? 0 : inputs[i].OutputNr));
            }
        }
    }

    /// <summary>Step 1: the node that receives <paramref name="root"/>'s gradient, and that gradient (ones for a scalar root given none).</summary>
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

    /// <summary>
    /// Step 2: an iterative depth-first walk that registers every node reachable from the roots, marks which the pass
    /// needs (all of them, or only those on a path to an input), then counts how many gradients each needed node waits for.
    /// </summary>
    private void DiscoverDependencies(Node[] roots)
    {
        bool onlyTowardInputs = _mode == BackwardMode.ReturnInputGradients;
        var states = _workspace.States;
        var stack = _workspace.Walk;
        var visited = _workspace.Visited;
        foreach (var root in roots)
        {
            if (!visited.Add(root))
            {
                continue;
            }
            _workspace.StateOf(root);
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
                        _workspace.StateOf(child);
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

    /// <summary>
    /// Step 3: hands the seeds to the roots, then runs each ready node (all its gradients arrived) and passes what it
    /// returns to its children, until no node is ready.
    /// </summary>
    private void Execute(IReadOnlyList<Tensor> roots, Node[] rootNodes, Tensor[] seeds)
    {
        var states = _workspace.States;
        var ready = _workspace.Ready;
        for (int i = 0; i < rootNodes.Length; i++)
        {
            var st = states[rootNodes[i]];
            if (st.Needed)
            {
                AccumulateIntoBuffer(rootNodes[i], st, roots[i].GradFn is null ? 0 : roots[i].OutputNr, seeds[i]);
            }
        }
        SettleUnheld();
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
            // The buffer this node consumes, read before Evaluate clears it (and before hooks may replace what it passes on).
            var consumed = _release && node.KeepsNoGradient && node.OutputCount == 1 ? st.Buffer : null;
            var inputGrads = st.HasGradient(node) ? Evaluate(node, st) : null;
            PassToChildren(node, inputGrads);
            if (_release)
            {
                Settle(consumed, inputGrads);
            }
        }
    }

    /// <summary>
    /// Delivers the node's received output gradients (hooks, captures, retained gradients) and, if the pass needs its
    /// inputs' gradients, applies the node; returns those gradients, or null when the node is not applied.
    /// </summary>
    private Tensor?[]? Evaluate(Node node, NodeState st)
    {
        Tensor? single = null;
        Tensor?[]? several = null;
        if (!node.KeepsNoGradient)
        {
            // User code (a custom Function's backward) receives these gradients and may keep them.
            ExposeBuffers(node, st);
        }
        // One gradient per output of the node: a single one (no array) for every built-in op.
        if (node.OutputCount == 1)
        {
            single = Deliver(node, st, 0, st.Buffer!);
        }
        else
        {
            several = st.Buffers!;
            for (int k = 0; k < several.Length; k++)
            {
                if (several[k] is { } grad)
                {
                    several[k] = Deliver(node, st, k, grad);
                }
            }
        }
        st.Buffer = null;
        st.BufferOwned = false;
        st.Buffers = null;
        bool apply = _mode == BackwardMode.AccumulateIntoGrad || (node is not AccumulateGrad && AnyChildNeeded(node, _workspace.States));
        if (!apply)
        {
            return null;
        }
        if (single is not null && TryAccumulateIntoInput(node, single))
        {
            if (!_retainGraph)
            {
                node.ReleaseSavedTensors();
            }
            return null; // the child's sum already holds the gradient; PassToChildren only counts the dependency
        }
        Tensor?[] inputGrads;
        using (Autograd.SetGradEnabledSynchronously(_createGraph))
        {
            inputGrads = several is null ? node.Apply(single!) : node.ApplyOutputs(several);
        }
        if (inputGrads.Length != node.Edges.Length)
        {
            throw new AutogradException($"{node.Name} returned an incorrect number of gradients (expected {node.Edges.Length}, got {inputGrads.Length}).");
        }
        if (_detectAnomaly)
        {
            AnomalyDetection.CheckGradients(node, inputGrads);
        }
        if (!_retainGraph)
        {
            node.ReleaseSavedTensors();
        }
        return inputGrads;
    }

    /// <summary>Gives each needed child its gradient (if any) and counts the dependency as met; a child with none left becomes ready.</summary>
    private void PassToChildren(Node node, Tensor?[]? inputGrads)
    {
        var states = _workspace.States;
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
                AccumulateIntoBuffer(child, cs, edges[e].OutputNr, g);
            }
            if (--cs.Dependencies == 0)
            {
                _workspace.Ready.Push(child);
            }
        }
    }

    /// <summary>
    /// A node's output gradient has arrived in full: runs the output's tensor hooks, hands the result to the captures
    /// of <see cref="BackwardMode.ReturnInputGradients"/> and (when accumulating) to a retained non-leaf gradient, and returns it.
    /// </summary>
    private Tensor Deliver(Node node, NodeState st, int outputNr, Tensor grad)
    {
        grad = RunPreHooks(node, outputNr, grad);
        if (st.CaptureSlots is not null)
        {
            foreach (var (slot, nr) in st.CaptureSlots)
            {
                if (nr == outputNr)
                {
                    GradientHandoff.Expose(grad); // returned to the caller of Autograd.Grad
                    _captured[slot] = grad;
                }
            }
        }
        if (_mode == BackwardMode.AccumulateIntoGrad && node.RetainedOutput(outputNr) is { } retained)
        {
            using (Autograd.SetGradEnabledSynchronously(_createGraph))
            {
                AccumulateGrad.Accumulate(retained, grad);
            }
        }
        return grad;
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
}
