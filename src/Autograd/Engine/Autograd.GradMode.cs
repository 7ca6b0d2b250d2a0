using System.Runtime.CompilerServices;

namespace MiniTorch;

/// <summary>Grad mode: whether ops record graphs, and the scopes that change it.</summary>
public static partial class Autograd
{
    // Grad mode belongs to the async flow (the ExecutionContext), as CultureInfo.CurrentCulture does, so a scope held
    // across an await stays in force after it, whichever thread resumes, and does not stay behind on the thread the
    // flow left. Every op reads the mode, so it is read from t_gradDisabled, this thread's copy of the current flow's
    // value; OnFlowChanged refreshes the copy whenever the thread switches flows (an await resuming, a thread-pool
    // work item starting or ending). Writing the flow's value allocates a new ExecutionContext, so library code that
    // sets the mode for a synchronous stretch (each node of a backward pass) writes only the copy, counted in
    // t_synchronousScopes, during which the copy is left alone and scopes opened inside are synchronous too.

    [ThreadStatic]
    private static bool t_gradDisabled;

    [ThreadStatic]
    private static int t_synchronousScopes;

    /// <summary>The flow's mode: <see cref="s_disabled"/>, or null for enabled (an object, so that a write boxes nothing).</summary>
    private static readonly AsyncLocal<object?> s_flowGradDisabled = new(OnFlowChanged);

    private static readonly object s_disabled = new();

    private static void OnFlowChanged(AsyncLocalValueChangedArgs<object?> change)
    {
        // A write by a scope (ThreadContextChanged false) has set the copy already. Inside a synchronous scope the
        // thread keeps the mode that scope set: a task inlined there runs with it, and the scope's mode is intact after.
        if (change.ThreadContextChanged && t_synchronousScopes == 0)
        {
            t_gradDisabled = change.CurrentValue is not null;
        }
    }

    /// <summary>
    /// Whether ops record graphs here (PyTorch's <c>torch.is_grad_enabled()</c>): true unless a <see cref="NoGrad"/>
    /// or <see cref="SetGradEnabled"/> scope of the current async flow turned it off. Reading it costs one thread-static read.
    /// </summary>
    public static bool IsGradEnabled
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => !t_gradDisabled;
    }

    /// <summary>
    /// Turns graph recording off until the returned scope is disposed: <c>using (Autograd.NoGrad()) { … }</c>.
    /// Scopes nest; each restores the mode it found.
    /// </summary>
    /// <remarks>
    /// The mode flows with the async context (the <see cref="ExecutionContext"/>), like <see cref="System.Globalization.CultureInfo.CurrentCulture"/>:
    /// a scope held across an <c>await</c> is still in force after it, on whichever thread the method resumes, and the
    /// thread it left is not affected; work started inside the scope (<see cref="Task.Run(Action)"/>, a new thread)
    /// inherits the mode, and work started elsewhere never sees it. PyTorch's mode is per thread instead, which in
    /// .NET would leak a scope held across an await into unrelated thread-pool work.
    /// </remarks>
    public static GradModeScope NoGrad() => SetGradEnabled(false);

    /// <summary>Turns graph recording on inside a <see cref="NoGrad"/> scope until the returned scope is disposed (same flow rules as <see cref="NoGrad"/>).</summary>
    public static GradModeScope EnableGrad() => SetGradEnabled(true);

    /// <summary>
    /// Sets grad mode for the current async flow; disposing the returned scope restores the previous mode
    /// (PyTorch's <c>torch.set_grad_enabled</c> as a context manager). See <see cref="NoGrad"/> for how the mode flows.
    /// </summary>
    public static GradModeScope SetGradEnabled(bool enabled)
    {
        bool previous = !t_gradDisabled;
        if (t_synchronousScopes > 0 || previous == enabled)
        {
            // Inside a synchronous scope, or no change: the flow's value is already right (or is not consulted until
            // the synchronous scope ends), so only this thread's copy is set.
            t_gradDisabled = !enabled;
            return new GradModeScope(previous, GradModeScope.ScopeKind.ThreadCopyOnly);
        }
        s_flowGradDisabled.Value = enabled ? null : s_disabled;
        t_gradDisabled = !enabled;
        return new GradModeScope(previous, GradModeScope.ScopeKind.Flowing);
    }

    /// <summary>
    /// Sets grad mode for synchronous library code on this thread (a backward node, an op's internals) without writing
    /// the async flow's value, so it allocates nothing. The code inside must not await; scopes opened inside are
    /// synchronous too. Dispose on the same thread, innermost first.
    /// </summary>
    internal static GradModeScope SetGradEnabledSynchronously(bool enabled)
    {
        var scope = new GradModeScope(!t_gradDisabled, GradModeScope.ScopeKind.Synchronous);
        t_synchronousScopes++;
        t_gradDisabled = !enabled;
        return scope;
    }

    /// <summary><see cref="SetGradEnabledSynchronously"/>(false): <see cref="NoGrad"/> for synchronous library code.</summary>
    internal static GradModeScope NoGradSynchronously() => SetGradEnabledSynchronously(false);

    internal static void Restore(bool enabled, GradModeScope.ScopeKind kind)
    {
        switch (kind)
        {
            case GradModeScope.ScopeKind.Flowing when t_synchronousScopes == 0:
                s_flowGradDisabled.Value = enabled ? null : s_disabled;
                if (enabled)
                {
                    // Leaving user code's outermost no-grad region (an inference call): recycle unreachable arrays.
                    t_gradDisabled = false;
                    StorageReclaimer.ExitNoGrad();
                    return;
                }
                break;
            case GradModeScope.ScopeKind.Synchronous:
                t_synchronousScopes--;
                break;
        }
        t_gradDisabled = !enabled;
    }
}

/// <summary>
/// A grad-mode scope; disposing it restores the mode that was in force when it was opened. A scope may be held across
/// an <c>await</c> and disposed on the thread the method resumed on (see <see cref="Autograd.NoGrad"/>).
/// </summary>
public readonly struct GradModeScope : IDisposable
{
    internal enum ScopeKind : byte
    {
        /// <summary>Disposing writes this thread's copy only (the mode did not change, or a synchronous scope encloses it).</summary>
        ThreadCopyOnly,

        /// <summary>Set the async flow's mode; disposing restores it.</summary>
        Flowing,

        /// <summary>Opened by <see cref="Autograd.SetGradEnabledSynchronously"/>.</summary>
        Synchronous,
    }

    private readonly bool _previous;
    private readonly ScopeKind _kind;

    internal GradModeScope(bool previous, ScopeKind kind)
    {
        _previous = previous;
        _kind = kind;
    }

    /// <summary>Restores the previous grad mode.</summary>
    public void Dispose() => Autograd.Restore(_previous, _kind);
}
