namespace MiniTorch.Distributed;

/// <summary>
/// A failure of the distributed layer: MPI missing or failing, ranks that disagree (different models), or a
/// collective called with tensors that do not fit. The message says which rank, tensor or parameter, and what to do.
/// </summary>
public sealed class DistributedException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public DistributedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its message and the failure that caused it.</summary>
    public DistributedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
