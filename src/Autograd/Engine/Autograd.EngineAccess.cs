namespace MiniTorch;

/// <summary>
/// Public entry points into the engine for libraries built on the core (DistributedDataParallel, communication
/// libraries, custom training loops): what PyTorch offers as <c>Variable._execution_engine.queue_callback</c>,
/// <c>torch.autograd.graph.increment_version</c> and a walk of the graph's leaves.
/// </summary>
public static partial class Autograd
{
    /// <summary>Whether a backward pass (<c>Backward()</c>, <c>Autograd.Grad</c>) is running on this thread, so <see cref="QueueCallback"/> may be called.</summary>
    public static bool IsBackwardRunning => Engine.IsRunning;

    /// <summary>
    /// Queues <paramref name="callback"/> to run once the backward pass running on this thread has run every node
    /// (PyTorch's <c>Variable._execution_engine.queue_callback</c>; DistributedDataParallel waits for its last gradient
    /// reductions this way). Callbacks run on this thread in the order queued, after the outermost backward pass on
    /// the thread, and only when it succeeds; a callback may queue another.
    /// </summary>
    /// <exception cref="InvalidOperationException">No backward pass is running on this thread (<see cref="IsBackwardRunning"/> is false).</exception>
    public static void QueueCallback(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (!Engine.IsRunning)
        {
            // PyTorch: "Final callbacks can only be installed during backward pass."
            throw new InvalidOperationException("Autograd.QueueCallback: final callbacks can only be installed during the backward pass.");
        }
        Engine.QueueCallback(callback);
    }

    /// <summary>
    /// Records that <paramref name="tensor"/>'s elements were changed by a write autograd did not see (through
    /// <see cref="Tensor.AsSpan{T}"/>, <see cref="Tensor.AsMemory{T}"/>, native code): bumps the version counter of
    /// its storage, as every in-place op does (PyTorch's <c>torch.autograd.graph.increment_version</c>), so that a
    /// backward that saved the old values fails with the in-place error instead of using the new ones.
    /// </summary>
    public static void IncrementVersion(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.Storage.Version++;
    }

    /// <summary>
    /// The tensors requiring grad whose gradients a backward from <paramref name="output"/> would accumulate: the
    /// leaves its graph reaches (the output itself when it is such a leaf; none when it takes no part in autograd).
    /// DistributedDataParallel's <c>findUnusedParameters</c> compares its parameters with them. The graph is walked
    /// without recursion; the set compares tensors by reference.
    /// </summary>
    public static IReadOnlySet<Tensor> ReachableLeaves(Tensor output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var leaves = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        if (output.GradFn is null)
        {
            if (output.RequiresGrad)
            {
                leaves.Add(output);
            }
            return leaves;
        }
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance) { output.GradFn };
        var stack = new Stack<Node>();
        stack.Push(output.GradFn);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is AccumulateGrad accumulate)
            {
                leaves.Add(accumulate.Leaf);
            }
            foreach (var edge in node.Edges)
            {
                if (edge.Node is { } next && seen.Add(next))
                {
                    stack.Push(next);
                }
            }
        }
        return leaves;
    }
}
