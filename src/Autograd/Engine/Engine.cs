namespace MiniTorch;

/// <summary>
/// The entry points of the backward pass (<see cref="BackwardPass"/> holds its steps) and what surrounds a pass on its
/// thread: nesting depth, the final callbacks of <see cref="QueueCallback"/>, and the storage reclamation at the end of
/// the outermost pass.
/// </summary>
internal static class Engine
{
    [ThreadStatic]
    private static int t_depth;

    [ThreadStatic]
    private static List<Action>? t_finalCallbacks;

    /// <summary>Runs backward from <paramref name="roots"/>, accumulating into the leaves' <see cref="Tensor.Grad"/> (<see cref="BackwardMode.AccumulateIntoGrad"/>).</summary>
    public static void Backward(IReadOnlyList<Tensor> roots, IReadOnlyList<Tensor?>? rootGrads, bool retainGraph, bool createGraph)
        => Run(BackwardMode.AccumulateIntoGrad, roots, rootGrads, retainGraph, createGraph, null);

    /// <summary>
    /// Runs backward from <paramref name="roots"/> toward <paramref name="inputs"/> only and returns their gradients, one per
    /// input (null where none arrived), touching no <see cref="Tensor.Grad"/> (<see cref="BackwardMode.ReturnInputGradients"/>).
    /// </summary>
    public static Tensor?[] Grad(IReadOnlyList<Tensor> roots, IReadOnlyList<Tensor?>? rootGrads, IReadOnlyList<Tensor> inputs, bool retainGraph, bool createGraph)
        => Run(BackwardMode.ReturnInputGradients, roots, rootGrads, retainGraph, createGraph, inputs);

    private static Tensor?[] Run(BackwardMode mode, IReadOnlyList<Tensor> roots, IReadOnlyList<Tensor?>? rootGrads, bool retainGraph, bool createGraph, IReadOnlyList<Tensor>? inputs)
    {
        if (rootGrads is not null && rootGrads.Count != roots.Count)
        {
            throw new ArgumentException($"Backward: got {roots.Count} outputs but {rootGrads.Count} gradients; pass one gradient (or null) per output.");
        }
        var workspace = EngineWorkspace.Rent();
        if (++t_depth == 1)
        {
            GradientHandoff.EnterOutermostBackward();
        }
        StorageReclaimer.EnterBackward();
        try
        {
            var pass = new BackwardPass(workspace, mode, retainGraph, createGraph, inputs?.Count ?? 0, outermost: t_depth == 1);
            var result = pass.Run(roots, rootGrads, inputs);
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
            workspace.Return();
            StorageReclaimer.ExitBackward(); // the end of an outermost pass recycles unreachable tensors' arrays
        }
    }

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
}
