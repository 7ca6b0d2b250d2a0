using System.Runtime.CompilerServices;

namespace MiniTorch;

public static partial class Autograd
{
    // The non-leaves already warned about: a weak table, so a warned tensor can still be collected and no field is added.
    private static readonly ConditionalWeakTable<Tensor, object> s_warnedNonLeafGrad = new();

    /// <summary>
    /// Raised for what PyTorch reports with a <c>UserWarning</c> rather than an error (today: reading
    /// <see cref="Tensor.Grad"/> of a non-leaf that did not call <see cref="Tensor.RetainGrad"/>). MiniTorch writes nothing
    /// to the console; subscribe to log or fail on these. Handlers run synchronously on the thread that caused the warning.
    /// </summary>
    public static event EventHandler<AutogradWarningEventArgs>? Warning;

    /// <summary>The message PyTorch 1.13 warns with when the .grad of a non-leaf that does not retain its gradient is read.</summary>
    internal const string NonLeafGradMessage =
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). " +
        "If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. " +
        "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. " +
        "See github.com/pytorch/pytorch/pull/30531 for more informations. " +
        "(MiniTorch: Tensor.Grad of a non-leaf is filled only after Tensor.RetainGrad(); warned once per tensor.)";

    /// <summary>Warns, once per tensor, that the gradient of a non-leaf that does not retain it was read.</summary>
    internal static void WarnNonLeafGradRead(Tensor tensor)
    {
        // PyTorch warns on every read, shown once per call site by Python's warning filter; once per tensor is the
        // closest a library without call sites can do, and keeps a loop that polls .Grad from flooding the handlers.
        if (Warning is { } handlers && s_warnedNonLeafGrad.TryAdd(tensor, tensor))
        {
            handlers(null, new AutogradWarningEventArgs(NonLeafGradMessage, tensor));
        }
    }
}

/// <summary>A warning from the autograd core (see <see cref="Autograd.Warning"/>).</summary>
public sealed class AutogradWarningEventArgs : EventArgs
{
    /// <summary>Creates the arguments of one warning.</summary>
    /// <param name="message">The warning's text (PyTorch's, where PyTorch warns).</param>
    /// <param name="tensor">The tensor the warning is about, if any.</param>
    public AutogradWarningEventArgs(string message, Tensor? tensor)
    {
        Message = message;
        Tensor = tensor;
    }

    /// <summary>The warning's text (PyTorch's, where PyTorch warns).</summary>
    public string Message { get; }

    /// <summary>The tensor the warning is about, or null.</summary>
    public Tensor? Tensor { get; }
}
