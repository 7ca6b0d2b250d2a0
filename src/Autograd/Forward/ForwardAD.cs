using System.Runtime.CompilerServices;

namespace MiniTorch;

/// <summary>
/// Forward-mode automatic differentiation with dual tensors (PyTorch's <c>torch.autograd.forward_ad</c>): inside
/// <c>using (ForwardAD.Enter())</c>, a tensor made by <see cref="MakeDual"/> carries a tangent, and every
/// differentiable op computes its output's tangent (a Jacobian-vector product) along with its value.
/// </summary>
/// <remarks>
/// Tangents are computed with ordinary tensor ops, with grad mode as the caller has it, so they record backward
/// graphs and forward mode composes with reverse mode (forward-over-reverse Hessian-vector products). When no level
/// is open, an op pays one thread-static read for forward mode, as for <see cref="Tracing"/>.
/// Nested levels are allowed, but only the innermost one propagates tangents; an op that meets a tangent of a
/// still-open enclosing level throws rather than dropping it (forward-over-forward is not supported, as in PyTorch).
/// </remarks>
/// <example>
/// <code>
/// using (ForwardAD.Enter())
/// {
///     var x = ForwardAD.MakeDual(x0, v);
///     var (y, jvp) = ForwardAD.Unpack(f(x)); // jvp = J_f(x0) · v
/// }
/// </code>
/// </example>
public static class ForwardAD
{
    // The current level belongs to the async flow, as grad mode does (see Autograd.NoGrad): a level held across an
    // await is still current after it, and the thread the flow left does not keep it. Ops read t_level, this thread's
    // copy of the flow's level, refreshed by OnFlowChanged when the thread switches flows. Suspending forward mode
    // while an op computes its tangent is synchronous and per op, so it writes only the copy (t_suspensions counts it).

    [ThreadStatic]
    private static DualLevel? t_level;

    [ThreadStatic]
    private static int t_suspensions;

    private static readonly AsyncLocal<DualLevel?> s_flowLevel = new(OnFlowChanged);

    private static void OnFlowChanged(AsyncLocalValueChangedArgs<DualLevel?> change)
    {
        if (change.ThreadContextChanged && t_suspensions == 0)
        {
            t_level = change.CurrentValue;
        }
    }

    /// <summary>Whether a forward AD level is open here (in the current async flow, and not suspended while a tangent is being computed).</summary>
    public static bool IsActive
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_level is not null;
    }

    /// <summary>The innermost open level of the current async flow, or null.</summary>
    public static DualLevel? CurrentLevel => t_level;

    /// <summary>
    /// Opens a new level (PyTorch's <c>dual_level()</c>); dispose it to exit. Levels nest, each with a new id.
    /// </summary>
    /// <remarks>
    /// The level is current for the async flow that entered it, like <see cref="Autograd.NoGrad"/>'s mode: it stays
    /// current across an <c>await</c> (the level may be exited on the thread the method resumed on), work started inside
    /// it (<see cref="Task.Run(Action)"/>, a new thread) sees it, and work started elsewhere does not.
    /// </remarks>
    public static DualLevel Enter()
    {
        var level = new DualLevel(t_level);
        SetCurrent(level);
        return level;
    }

    internal static void Exit(DualLevel level)
    {
        if (!ReferenceEquals(t_level, level))
        {
            throw new InvalidOperationException($"ForwardAD: exiting {level} while {(t_level is null ? "no level" : t_level.ToString())} is current here; levels must be exited innermost first, in the async flow that entered them (use `using (ForwardAD.Enter())`).");
        }
        SetCurrent(level.Enclosing);
    }

    private static void SetCurrent(DualLevel? level)
    {
        // While an op's tangent is being computed (suspended) the flow's level is the suspended one, restored on resume.
        if (t_suspensions == 0)
        {
            s_flowLevel.Value = level;
        }
        t_level = level;
    }

    /// <summary>
    /// Returns a tensor that views <paramref name="primal"/>'s data and carries <paramref name="tangent"/> at the
    /// current level (PyTorch's <c>make_dual</c>). Gradients of the result flow back to <paramref name="primal"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No level is open, or <paramref name="primal"/> carries a tangent of an exited level.</exception>
    /// <exception cref="ArgumentException">The tangent's shape or dtype differs from the primal's, or the primal already has a tangent at this level.</exception>
    public static Tensor MakeDual(Tensor primal, Tensor tangent)
    {
        ArgumentNullException.ThrowIfNull(primal);
        ArgumentNullException.ThrowIfNull(tangent);
        var level = t_level ?? throw new InvalidOperationException("MakeDual: no forward AD level is active; wrap the computation in `using (ForwardAD.Enter())`.");
        CheckNotExited("MakeDual", primal);
        CheckNotExited("MakeDual", tangent);
        if (!Shapes.SameShape(primal.ShapeSpan, tangent.ShapeSpan))
        {
            // PyTorch's words, then the detail.
            throw new ArgumentException($"MakeDual: Trying to set a forward gradient that has a different size than that of the original Tensor, this is not supported. Tensor is of size {Shapes.Format(primal.ShapeSpan)} while the given forward gradient is of size {Shapes.Format(tangent.ShapeSpan)}.");
        }
        if (primal.DType != tangent.DType)
        {
            throw new ArgumentException($"MakeDual: expected the tangent to have the same shape and dtype as the primal, but got primal {primal.DType} {Shapes.Format(primal.ShapeSpan)} and tangent {tangent.DType} {Shapes.Format(tangent.ShapeSpan)}.");
        }
        if (ReferenceEquals(primal.TangentLevel, level))
        {
            throw new ArgumentException($"MakeDual: the primal already has a tangent at the current {level}; making a dual tensor from a dual tensor at the same level is not supported. Use Unpack(x).Primal first.");
        }
        var dual = primal.AliasView();
        dual.SetTangent(level, tangent);
        return dual;
    }

    /// <summary>
    /// Splits a tensor into its primal (a view of its data without the tangent) and its tangent at the current level,
    /// null if it has none there, no level is open, or its level has exited (PyTorch's <c>unpack_dual</c>: after the
    /// level, the tensor is its primal).
    /// </summary>
    public static (Tensor Primal, Tensor? Tangent) Unpack(Tensor dual)
    {
        ArgumentNullException.ThrowIfNull(dual);
        var tangent = t_level is { } level && ReferenceEquals(dual.TangentLevel, level) ? dual.TangentValue : null;
        return (dual.AliasView(), tangent);
    }

    private static void CheckNotExited(string op, Tensor t)
    {
        if (t.TangentLevel is { IsExited: true } stale)
        {
            throw new InvalidOperationException($"{op}: the tensor (shape {Shapes.Format(t.ShapeSpan)}) is a dual tensor of {stale}, which has been exited; its tangent is no longer valid. Unpack dual tensors inside the `using (ForwardAD.Enter())` block that made them.");
        }
    }

    /// <summary>
    /// The tangent of <paramref name="t"/> at the current level, or null (a zero tangent). Call only when <see cref="IsActive"/>.
    /// A tangent of an exited level is ignored (it is stale); one of a still-open enclosing level cannot be carried through
    /// an op of the inner level, so it is an error rather than a silently dropped derivative.
    /// </summary>
    internal static Tensor? TangentOf(Tensor t)
    {
        var owner = t.TangentLevel;
        if (owner is null)
        {
            return null;
        }
        if (ReferenceEquals(owner, t_level))
        {
            return t.TangentValue;
        }
        if (!owner.IsExited)
        {
            throw new NotSupportedException($"ForwardAD: an op inside {t_level} received a dual tensor of the enclosing {owner}; nested forward AD (forward-over-forward) is not supported, so its tangent cannot be carried through. Compute it inside its own level, or Unpack it first.");
        }
        return null;
    }

    /// <summary>Whether any of the inputs has a tangent at the current level. Call only when <see cref="IsActive"/>.</summary>
    internal static bool AnyTangent(ReadOnlySpan<Tensor> inputs)
    {
        foreach (var t in inputs)
        {
            if (TangentOf(t) is not null)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Suspends forward mode while an op's tangent is computed: the tangent formula reads primals, and must neither
    /// propagate their tangents again nor give the tangent a tangent of its own. Grad mode is untouched, so the
    /// formula records a backward graph when it should. Dispose the scope (with <c>using</c>) to resume.
    /// </summary>
    internal static TangentScope Suspend()
    {
        var level = t_level ?? throw new InvalidOperationException("ForwardAD.Suspend: no level is active.");
        t_suspensions++;
        t_level = null;
        return new TangentScope(level);
    }

    internal static void Resume(DualLevel level)
    {
        t_suspensions--;
        t_level = level;
    }

    /// <summary>Suspends forward mode if it is active (see <see cref="Suspend"/>); the default scope otherwise.</summary>
    internal static TangentScope SuspendIfActive() => t_level is null ? default : Suspend();
}

/// <summary>
/// A scope in which an op computes its output's tangent with forward mode suspended (see <see cref="ForwardAD.Suspend"/>);
/// <see cref="SetTangent"/> attaches the result to the output at the suspended level.
/// </summary>
internal readonly struct TangentScope : IDisposable
{
    private readonly DualLevel _level;

    internal TangentScope(DualLevel level) => _level = level;

    /// <summary>
    /// Attaches <paramref name="tangent"/> to <paramref name="output"/>. A tangent of a broadcastable smaller shape is
    /// expanded to the output's shape here, once for every op, as broadcasting's gradient is reduced in <c>SumToShape</c>.
    /// </summary>
    public void SetTangent(Tensor output, Tensor tangent)
    {
        if (!Shapes.SameShape(tangent.ShapeSpan, output.ShapeSpan))
        {
            tangent = tangent.Expand(output.ShapeArray);
        }
        if (tangent.DType != output.DType)
        {
            throw new InvalidOperationException($"ForwardAD: a tangent of dtype {tangent.DType} was computed for an output of dtype {output.DType}; this is a bug in the op's forward-mode rule.");
        }
        output.SetTangent(_level, tangent);
    }

    public void Dispose()
    {
        // The default scope (forward mode was not active) has nothing to resume.
        if (_level is not null)
        {
            ForwardAD.Resume(_level);
        }
    }
}
