namespace MiniTorch;

/// <summary>
/// Lets <see cref="AccumulateGrad"/> take a freshly computed gradient as a leaf's <see cref="Tensor.Grad"/> instead of
/// copying it, as PyTorch's AccumulateGrad steals a gradient nothing else references (<c>use_count() == 1</c>).
/// </summary>
/// <remarks>
/// .NET has no reference counts, so a gradient is taken only when it provably has no user-visible holder: its storage
/// was made during the current backward pass (so it is not the user's seed, a saved tensor or any tensor the user
/// made before), no tensor over it was ever handed to user code (a tensor hook's argument or result, a custom
/// <see cref="Function"/>'s returned gradient) or taken by another leaf (<see cref="Storage.Exposed"/>), and it is a
/// whole contiguous storage. Other tensors over that storage can only be the built-in backward formulas' own
/// intermediates (the product behind a transposed gradient, say), which no one reads once the pass is over, as
/// PyTorch's rule counts only user-visible references. Anything else is copied, as before. Taking it saves one copy
/// of every parameter's gradient per step.
/// </remarks>
internal static class GradientHandoff
{
    [ThreadStatic]
    private static long t_firstSerialOfBackward;

    /// <summary>Marks the start of an outermost backward pass on this thread: storages made from now on are its own.</summary>
    public static void EnterOutermostBackward() => t_firstSerialOfBackward = Storage.LastSerial + 1;

    /// <summary>Marks <paramref name="grad"/> as reachable from user code, so no leaf takes it without a copy.</summary>
    public static void Expose(Tensor grad) => grad.Storage.Exposed = true;

    /// <summary>
    /// Whether <paramref name="storage"/> was made during the current outermost backward pass and no tensor over it was
    /// ever handed to user code or taken by a leaf: only the pass's own gradient buffers and the built-in formulas'
    /// intermediates (unreachable once the formula returned) can view it.
    /// </summary>
    public static bool IsPassOwned(Storage storage)
    {
        long first = t_firstSerialOfBackward;
        return first != 0 && storage.Serial >= first && !storage.Exposed;
    }

    /// <summary>
    /// <paramref name="grad"/> itself when the leaf may own it (marking it taken), else null: the caller then copies it.
    /// </summary>
    public static Tensor? TryTake(Tensor grad)
    {
        var storage = grad.Storage;
        if (!IsPassOwned(storage)
            || !grad.IsContiguous || grad.Offset != 0 || storage.Length != grad.Numel || grad.RequiresGrad)
        {
            return null;
        }
        storage.Exposed = true;
        return grad;
    }
}
