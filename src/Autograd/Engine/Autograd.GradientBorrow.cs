namespace MiniTorch;

public static partial class Autograd
{
    [ThreadStatic]
    private static int t_gradientBorrows;

    /// <summary>
    /// Opens a region in which reading <see cref="Tensor.Grad"/> does not count as handing the gradient to user code,
    /// for an optimizer step or a ZeroGrad that uses each gradient only while it runs and keeps no reference to it (nor
    /// to a view of it) afterwards. A gradient that backward made and that was never read outside such a region can
    /// then go back to the buffer pool as soon as it is set to null (<c>optimizer.ZeroGrad()</c>), as PyTorch frees a
    /// gradient whose last reference goes, instead of waiting for the GC (see <see cref="MemoryReuse"/>).
    /// </summary>
    /// <remarks>
    /// The region belongs to the calling thread and is synchronous: it is a <c>ref struct</c>, so it cannot be held
    /// across an <c>await</c>. Code that keeps a gradient read inside the region beyond it breaks the promise: once the
    /// gradient is set to null, that tensor is disposed and any read of it throws <see cref="ObjectDisposedException"/>.
    /// The built-in optimizers open it around their updates and ZeroGrad. It has no effect under forward AD or tracing.
    /// </remarks>
    public static GradientBorrowScope BorrowGradients()
    {
        t_gradientBorrows++;
        return new GradientBorrowScope(open: true);
    }

    /// <summary>Whether this thread is inside a <see cref="BorrowGradients"/> region whose reads hand nothing out.</summary>
    internal static bool IsBorrowingGradients => t_gradientBorrows > 0 && !ForwardAD.IsActive && !Tracing.IsActive;

    internal static void EndGradientBorrow() => t_gradientBorrows--;
}

/// <summary>The region opened by <see cref="Autograd.BorrowGradients"/>; disposing it closes the region.</summary>
public ref struct GradientBorrowScope
{
    // False for default(GradientBorrowScope), which opened nothing and so closes nothing.
    private bool _open;

    internal GradientBorrowScope(bool open) => _open = open;

    /// <summary>Closes the region (once; a second call does nothing).</summary>
    public void Dispose()
    {
        if (_open)
        {
            _open = false;
            Autograd.EndGradientBorrow();
        }
    }
}
