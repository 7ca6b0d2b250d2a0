namespace MiniTorch;

public static partial class Autograd
{
    /// <summary>
    /// Accumulates into <see cref="Tensor.Grad"/> the gradient of several roots at once, each with its own vector
    /// (PyTorch's <c>torch.autograd.backward</c>): one pass over the union of their graphs, so shared parts run once.
    /// </summary>
    /// <param name="tensors">The roots; each must require grad.</param>
    /// <param name="gradTensors">One vector per root (null entries, or a null list, only for one-element roots).</param>
    /// <param name="retainGraph">Keep saved tensors for another backward; defaults to <paramref name="createGraph"/>.</param>
    /// <param name="createGraph">Record the derivative's graph so higher-order derivatives can be taken.</param>
    /// <param name="inputs">If given, only these tensors' <see cref="Tensor.Grad"/> are accumulated (leaves or not); the rest of the graph is left alone.</param>
    public static void Backward(
        IReadOnlyList<Tensor> tensors,
        IReadOnlyList<Tensor?>? gradTensors = null,
        bool? retainGraph = null,
        bool createGraph = false,
        IReadOnlyList<Tensor>? inputs = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("Autograd.Backward: tensors is empty; pass the tensors to differentiate.", nameof(tensors));
        }
        bool retain = retainGraph ?? createGraph;
        if (inputs is null)
        {
            Engine.Run(tensors, gradTensors, retain, createGraph, null);
            return;
        }
        if (inputs.Count == 0)
        {
            // PyTorch's words.
            throw new ArgumentException("Autograd.Backward: inputs is empty; pass the tensors whose Grad to fill, or null for every leaf (PyTorch: 'inputs' argument to backward() cannot be empty).", nameof(inputs));
        }
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is null || !inputs[i].RequiresGrad)
            {
                throw new AutogradException($"Autograd.Backward: input {i} does not require grad; every tensor in inputs must require grad.");
            }
        }
        // An input the roots do not reach keeps its Grad (as allowUnused: true in Grad).
        var grads = Engine.Run(tensors, gradTensors, retain, createGraph, inputs);
        using (SetGradEnabled(createGraph))
        {
            for (int i = 0; i < grads.Length; i++)
            {
                if (grads[i] is { } g)
                {
                    AccumulateGrad.Accumulate(inputs[i], g);
                }
            }
        }
    }

    /// <summary>The one-root form of <see cref="Backward(IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}?, bool?, bool, IReadOnlyList{Tensor}?)"/>.</summary>
    public static void Backward(Tensor tensor, Tensor? gradTensor = null, bool? retainGraph = null, bool createGraph = false, IReadOnlyList<Tensor>? inputs = null)
        => Backward([tensor], [gradTensor], retainGraph, createGraph, inputs);
}
