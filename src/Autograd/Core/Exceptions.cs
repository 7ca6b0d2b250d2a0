namespace MiniTorch;

/// <summary>
/// Thrown when the autograd engine is used in a way it cannot honour: backward through freed buffers,
/// a saved tensor modified in place, backward on a tensor that does not require grad, and similar.
/// Messages follow PyTorch's wording where PyTorch has words for the same situation.
/// </summary>
public class AutogradException : InvalidOperationException
{
    /// <summary>Creates the exception with a message.</summary>
    public AutogradException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public AutogradException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// Thrown when code run under a trace (<see cref="Tracing.Start"/>) does something a recorded graph cannot
/// represent, such as writing in place into a tensor the trace has already seen.
/// </summary>
public class TracingException : InvalidOperationException
{
    /// <summary>Creates the exception with a message.</summary>
    public TracingException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public TracingException(string message, Exception inner) : base(message, inner) { }
}
