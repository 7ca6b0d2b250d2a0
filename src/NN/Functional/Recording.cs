namespace MiniTorch.NN;

/// <summary>
/// Whether a call would be recorded: the condition under which the NN library may take a path that records nothing
/// (an in-place bias add, a fused inference kernel) and still give what the recorded path gives.
/// </summary>
internal static class Recording
{
    /// <summary>Whether nothing would record a call on <paramref name="tensors"/>: no trace, no forward-mode level, no gradient wanted of any of them.</summary>
    public static bool Nothing(params ReadOnlySpan<Tensor?> tensors)
    {
        if (Tracing.IsActive || ForwardAD.IsActive)
        {
            return false;
        }
        if (!Autograd.IsGradEnabled)
        {
            return true;
        }
        foreach (var t in tensors)
        {
            if (t?.RequiresGrad == true)
            {
                return false;
            }
        }
        return true;
    }
}
