namespace MiniTorch;

/// <summary>
/// Grad-mode scopes and the functional entry point of the autograd engine
/// (PyTorch's <c>torch.no_grad</c>, <c>torch.enable_grad</c> and <c>torch.autograd.grad</c>).
/// </summary>
public static partial class Autograd
{
    /// <summary>
    /// The gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>, returned rather than
    /// accumulated into <see cref="Tensor.Grad"/> (PyTorch's <c>torch.autograd.grad</c>).
    /// </summary>
    /// <param name="outputs">The tensors to differentiate.</param>
    /// <param name="inputs">The tensors to differentiate with respect to; each must require grad.</param>
    /// <param name="gradOutputs">The vector of the vector-Jacobian product, one per output; may be null for scalar outputs.</param>
    /// <param name="retainGraph">Keep saved tensors for another backward; defaults to <paramref name="createGraph"/>.</param>
    /// <param name="createGraph">Record the graph of the derivative so it can be differentiated again.</param>
    /// <param name="allowUnused">Return null for an input the outputs do not depend on, instead of throwing.</param>
    public static Tensor?[] Grad(
        IReadOnlyList<Tensor> outputs,
        IReadOnlyList<Tensor> inputs,
        IReadOnlyList<Tensor?>? gradOutputs = null,
        bool? retainGraph = null,
        bool createGraph = false,
        bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("Autograd.Grad: inputs is empty; pass the tensors to differentiate with respect to.", nameof(inputs));
        }
        for (int i = 0; i < inputs.Count; i++)
        {
            if (!inputs[i].RequiresGrad)
            {
                throw new AutogradException($"Autograd.Grad: input {i} (shape {Shapes.Format(inputs[i].ShapeSpan)}) does not require grad; set RequiresGrad = true on it before computing the outputs.");
            }
        }
        var result = Engine.Grad(outputs, gradOutputs, inputs, retainGraph ?? createGraph, createGraph);
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] is null && !allowUnused)
            {
                throw new AutogradException($"Autograd.Grad: one of the differentiated Tensors (input {i}, shape {Shapes.Format(inputs[i].ShapeSpan)}) appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.");
            }
        }
        return result!;
    }

    /// <summary>The gradient of one output with respect to one input (see the list overload).</summary>
    public static Tensor Grad(Tensor output, Tensor input, Tensor? gradOutput = null, bool? retainGraph = null, bool createGraph = false)
        => Grad([output], [input], [gradOutput], retainGraph, createGraph)[0]!;
}
