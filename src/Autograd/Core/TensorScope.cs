namespace MiniTorch;

/// <summary>
/// A region of code whose tensors are disposed when it ends, so their memory is reused by the next iteration instead
/// of waiting for the GC (TorchSharp's <c>DisposeScope</c>): <c>using (TensorScope.Enter()) { … one training step … }</c>.
/// </summary>
/// <remarks>
/// <para>Every tensor created on this thread while the scope is the innermost one belongs to it. At the end the scope
/// disposes those it still owns; later reads of them throw <see cref="ObjectDisposedException"/>, so a mistake is an
/// error, never stale data. Keep a result with <see cref="Tensor.MoveToOuterScope"/> or <see cref="Tensor.DetachFromScope"/>.</para>
/// <para>Long-lived tensors are kept automatically: gradients that backward stores in a leaf's <see cref="Tensor.Grad"/>,
/// parameters, module buffers and optimizer state. <c>ZeroGrad</c> (set to null) inside a scope hands the dropped
/// gradients to the scope, so their memory is reused by the next step's gradients.</para>
/// <para>Scopes nest and are per thread. They are optional: without one, nothing changes and the GC frees tensors.</para>
/// </remarks>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic]
    private static TensorScope? t_current;

    // The owned-tensor list of an ended scope, kept for the next scope on this thread: a step then allocates no list.
    [ThreadStatic]
    private static List<Tensor>? t_spareList;

    private List<Tensor>? _owned;
    private readonly int _threadId;

    private TensorScope(TensorScope? parent)
    {
        Parent = parent;
        _threadId = Environment.CurrentManagedThreadId;
        _owned = t_spareList ?? [];
        t_spareList = null;
    }

    /// <summary>The innermost scope active on this thread, or null.</summary>
    public static TensorScope? Current => t_current;

    /// <summary>The scope that was current when this one was entered.</summary>
    public TensorScope? Parent { get; }

    /// <summary>Whether the scope has ended.</summary>
    public bool IsDisposed => _owned is null;

    /// <summary>The number of tensors the scope would dispose if it ended now.</summary>
    public int OwnedCount
    {
        get
        {
            int n = 0;
            foreach (var t in _owned ?? [])
            {
                n += ReferenceEquals(t.Scope, this) ? 1 : 0;
            }
            return n;
        }
    }

    /// <summary>Starts a scope on this thread; dispose it (a <c>using</c> block) to end it.</summary>
    public static TensorScope Enter()
    {
        var scope = new TensorScope(t_current);
        t_current = scope;
        return scope;
    }

    /// <summary>
    /// Makes this scope own <paramref name="tensor"/> (taking it from any other scope), so it is disposed when this
    /// scope ends. Returns the tensor, for chaining.
    /// </summary>
    public Tensor Include(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (_owned is null)
        {
            throw new ObjectDisposedException(nameof(TensorScope), "TensorScope.Include: the scope has already ended.");
        }
        tensor.ThrowIfDisposed();
        Own(tensor);
        return tensor;
    }

    internal void Own(Tensor tensor)
    {
        tensor.Scope = this;
        _owned?.Add(tensor);
    }

    /// <summary>
    /// Ends the scope: disposes the tensors it still owns and makes the enclosing scope current again. Scopes entered
    /// inside it that are still open end first. Calling it again does nothing.
    /// </summary>
    public void Dispose()
    {
        if (_owned is null)
        {
            return;
        }
        if (Environment.CurrentManagedThreadId != _threadId)
        {
            throw new InvalidOperationException("TensorScope.Dispose: a scope must end on the thread that entered it.");
        }
        while (t_current is { } inner && !ReferenceEquals(inner, this) && IsEnclosing(inner))
        {
            inner.Dispose();
        }
        if (ReferenceEquals(t_current, this))
        {
            t_current = Parent;
        }
        var owned = _owned;
        _owned = null;
        foreach (var t in owned)
        {
            // A tensor moved to another scope (or detached) since it was listed is no longer ours to dispose.
            if (ReferenceEquals(t.Scope, this))
            {
                t.Dispose();
            }
        }
        owned.Clear();
        t_spareList = owned;
    }

    private bool IsEnclosing(TensorScope inner)
    {
        for (var s = inner.Parent; s is not null; s = s.Parent)
        {
            if (ReferenceEquals(s, this))
            {
                return true;
            }
        }
        return false;
    }
}
