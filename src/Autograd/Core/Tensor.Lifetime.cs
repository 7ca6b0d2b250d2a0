namespace MiniTorch;

public partial class Tensor
{
    // An int, not a bool, so that two threads disposing the same tensor release its storage view once.
    private int _disposed;

    /// <summary>The scope that disposes this tensor when it ends, or null.</summary>
    internal TensorScope? Scope;

    /// <summary>Whether <see cref="Dispose()"/> was called (directly or by the end of a <see cref="TensorScope"/>).</summary>
    public bool IsDisposed => _disposed != 0;

    /// <summary>
    /// Declares that this tensor is no longer used, so its memory can be reused by later tensors once every view of
    /// it is disposed too. Optional: a tensor that is never disposed is freed by the GC as usual. Any later read of
    /// this tensor's elements throws <see cref="ObjectDisposedException"/>. Calling it again does nothing.
    /// </summary>
    /// <remarks>
    /// Views share memory: the memory goes back to the pool only when the last undisposed tensor viewing it is
    /// disposed, so disposing one view never disturbs another. Most code uses <see cref="TensorScope"/> instead of
    /// disposing tensors one by one.
    /// </remarks>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases this tensor's view of its storage; override to release what a subclass holds, calling the base.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        Scope = null;
        Storage.RemoveView();
    }

    /// <summary>
    /// Hands this tensor from the <see cref="TensorScope"/> that owns it to the enclosing one (or to no scope, when it
    /// was owned by the outermost), so it survives the end of its scope. Returns this tensor, for chaining.
    /// </summary>
    public Tensor MoveToOuterScope()
    {
        ThrowIfDisposed();
        var scope = Scope;
        if (scope is not null)
        {
            Scope = null;
            scope.Parent?.Own(this);
        }
        return this;
    }

    /// <summary>
    /// Takes this tensor out of every <see cref="TensorScope"/>: no scope disposes it, the GC frees it as for any tensor
    /// made outside a scope. For long-lived state made inside a scope (parameters, optimizer state, module buffers).
    /// Returns this tensor, for chaining.
    /// </summary>
    public Tensor DetachFromScope()
    {
        ThrowIfDisposed();
        Scope = null;
        return this;
    }

    /// <summary>
    /// Makes this tensor live at least as long as <paramref name="owner"/>, for a gradient stored in
    /// <paramref name="owner"/>.Grad. Lifetimes are only ever lengthened: a gradient owned by a scope nested inside the
    /// owner's moves out to the owner's scope (or to none, for an unscoped owner such as a parameter); one that already
    /// lives as long is left alone, since the caller may still use it there.
    /// </summary>
    internal void ShareLifetimeWith(Tensor owner)
    {
        var mine = Scope;
        if (mine is null || ReferenceEquals(mine, owner.Scope))
        {
            return;
        }
        if (owner.Scope is not { } theirs)
        {
            Scope = null;
            return;
        }
        for (var s = mine.Parent; s is not null; s = s.Parent)
        {
            if (ReferenceEquals(s, theirs))
            {
                theirs.Own(this);
                return;
            }
        }
    }

    /// <summary>Throws the error every use of a disposed tensor reports (checked where its elements are fetched).</summary>
    internal void ThrowIfDisposed()
    {
        if (_disposed != 0)
        {
            ThrowDisposed();
        }
    }

    private void ThrowDisposed() => throw new ObjectDisposedException(
        nameof(Tensor),
        $"Cannot use a disposed tensor ({DType} {Shapes.Format(_shape)}): it was disposed, directly or at the end of the TensorScope it was made in. " +
        "Call MoveToOuterScope() or DetachFromScope() on tensors used after their scope ends, or create them outside the scope.");
}
