namespace MiniTorch.NN;

/// <summary>
/// Gives an intermediate activation of a <see cref="Sequential"/> back to the buffer pool as soon as the next child has
/// consumed it, in a forward that records nothing: what PyTorch's reference counting does in an eager inference loop.
/// Without it, an inference loop written without a <see cref="TensorScope"/> leaves each activation to the GC, whose
/// forced young-generation collections (<see cref="MemoryReuse"/>) pause the loop and hand back arrays long out of
/// cache; released at once, the next layer's output reuses a warm array.
/// </summary>
/// <remarks>
/// An activation is released only when nothing can read it again: it was made by a built-in layer that keeps no tensor
/// (<see cref="KeepsNoTensors"/>) and is not the Sequential's input; it was consumed by such a layer, which returned
/// another tensor object (a view of it, as Flatten's, holds its own reference to the storage, so disposing the
/// activation releases only its own view); and no graph, trace or tangent can refer to it (gradients off, no trace, no
/// forward-mode level). User modules are never assumed not to keep what they are given or what they return.
/// </remarks>
internal static class ActivationRelease
{
    // Sealed built-in layers whose Forward keeps no reference to its input or output.
    private static readonly HashSet<Type> s_keepNoTensors =
    [
        typeof(Conv2d), typeof(BatchNorm1d), typeof(BatchNorm2d), typeof(LayerNorm), typeof(Linear), typeof(Embedding),
        typeof(Relu), typeof(LeakyRelu), typeof(Tanh), typeof(Sigmoid), typeof(Gelu), typeof(Softmax), typeof(LogSoftmax),
        typeof(MaxPool2d), typeof(AvgPool2d), typeof(AdaptiveAvgPool2d), typeof(Dropout), typeof(Flatten), typeof(Identity),
    ];

    /// <summary>Whether <paramref name="module"/> is a built-in layer, or a Sequential of them, that keeps no tensor it sees.</summary>
    public static bool KeepsNoTensors(Module module)
    {
        if (s_keepNoTensors.Contains(module.GetType()))
        {
            return true;
        }
        if (module is not Sequential sequential)
        {
            return false;
        }
        foreach (var child in sequential)
        {
            if (!KeepsNoTensors(child))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Whether a forward run now records nothing that could refer to its activations: gradients off altogether (not
    /// only for the tensors at hand, since a layer's parameters may want them) and nothing else recording.
    /// </summary>
    private static bool NothingRecords => !Autograd.IsGradEnabled && Recording.Nothing();

    /// <summary>
    /// Releases <paramref name="consumed"/>, made by <paramref name="producer"/> and just turned into
    /// <paramref name="produced"/> by <paramref name="consumer"/>, if nothing can read it again (see the remarks);
    /// <paramref name="input"/> is the Sequential's own input. Returns whether it was released.
    /// </summary>
    public static bool AfterConsumed(Tensor consumed, Tensor produced, Tensor input, Module producer, Module consumer)
    {
        if (ReferenceEquals(consumed, input) || ReferenceEquals(consumed, produced) || consumed.IsDisposed || !NothingRecords
            || !KeepsNoTensors(producer) || !KeepsNoTensors(consumer))
        {
            return false;
        }
        consumed.Dispose();
        return true;
    }
}
