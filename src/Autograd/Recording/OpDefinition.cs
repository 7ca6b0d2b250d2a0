namespace MiniTorch;

/// <summary>
/// Everything the autograd core knows about one op besides its forward kernel: its traced name and attributes, which
/// operands are differentiable, what it saves for backward, its backward (vector-Jacobian product) and its
/// <see cref="Jvp"/> (forward-mode rule). An op computes its result with its kernel, then hands the result to
/// <see cref="Record(Tensor, ReadOnlySpan{Tensor?}, TArgs)"/>, the one code path that records the backward node, the
/// tangent and the trace. Definitions are static and their rules are static lambdas, so recording allocates nothing
/// beyond the node and its edges, and nothing at all when no grad, forward AD or trace is active.
/// </summary>
/// <typeparam name="TArgs">
/// The op's non-tensor arguments (dims, scalars, geometry), stored in the node: a struct or tuple (never boxed), an
/// array the op has built anyway (Permute's dims), or <see cref="NoArgs"/> for none (the node then has no field for it).
/// </typeparam>
/// <remarks>
/// Operands are the op's tensor arguments in the traced order, differentiable or not (a gather's index, a where's
/// condition). Rules name them by position: <c>c.Input(1)</c>, <c>c.Tangent(0)</c>, <c>c.NeedsGrad(2)</c>. A null operand
/// stands for a constant (a scalar argument, an absent bias): it gets a constant edge where it is differentiable, and
/// is traced as <see cref="TracedScalar"/> (or as absent, without one).
/// </remarks>
internal sealed class OpDefinition<TArgs>
{
    private readonly Save[] _saves = [];

    /// <param name="name">The traced op's name (an exporter looks its lowering up by it); null for an internal op that is not traced (its public caller is).</param>
    /// <param name="backwardName">The backward node's name as PyTorch prints it (<c>MulBackward</c>); null for an op that records no node.</param>
    public OpDefinition(string? name, string? backwardName = null)
    {
        Name = name;
        BackwardName = backwardName;
    }

    /// <summary>The traced name, or null when the op is not traced itself.</summary>
    public string? Name { get; }

    /// <summary>The backward node's name, or null when the op records no node (not differentiable, or a composite whose parts record).</summary>
    public string? BackwardName { get; }

    /// <summary>The operands that get a gradient edge, in order; <see cref="Operands.None"/> records no node.</summary>
    public Operands Differentiable { get; init; }

    /// <summary>The tensors kept for backward (at most three), each version-checked when read and released after the node runs.</summary>
    public Save[] Saves
    {
        get => _saves;
        init
        {
            if (value.Length > 3)
            {
                throw new ArgumentException($"{BackwardName}: an op saves at most three tensors; got {value.Length}.");
            }
            _saves = value;
        }
    }

    /// <summary>The gradients of the differentiable operands (one per edge, in operand order) from the output's gradient.</summary>
    public BackwardRule<TArgs>? Backward { get; init; }

    /// <summary>
    /// Optional, for an op with one differentiable operand whose gradient is mostly zeros (a slice's): adds the
    /// operand's gradient into the gradient sum the engine holds for it, or returns a new one when there is none yet.
    /// It must compute what <see cref="Backward"/> would, added into the sum, without recording anything. The engine
    /// uses it outside <c>createGraph</c>, forward AD and anomaly detection, so that slices of one tensor (q, k and v of
    /// one projection) fill one gradient instead of each making a zero tensor of the whole and the engine adding them.
    /// </summary>
    public AccumulateRule<TArgs>? AccumulateInto { get; init; }

    /// <summary>The output's tangent from the operands' tangents (null: a zero tangent); called only when an operand has one.</summary>
    public JvpRule<TArgs>? Jvp { get; init; }

    /// <summary>The traced attributes; called only while a trace records.</summary>
    public Func<TArgs, OpAttributes>? Attributes { get; init; }

    /// <summary>The value a null operand is traced as (a 0-d constant of the output's dtype); without it a null operand is traced as absent.</summary>
    public Func<TArgs, double>? TracedScalar { get; init; }

    /// <summary>Records one call of the op: its backward node, its output's tangent and its trace entry, each only when active.</summary>
    /// <returns><paramref name="output"/>, so that an op can end with <c>return Definition.Record(kernel(...), [a, b]);</c>.</returns>
    public Tensor Record(Tensor output, ReadOnlySpan<Tensor?> operands, TArgs args = default!)
    {
        OpRecorder.Record(this, new ReadOnlySpan<Tensor>(in output), operands, args);
        return output;
    }

    /// <summary>Records an op with several outputs, of which only the first is differentiable (Max(dim)'s values and indices).</summary>
    public void Record(ReadOnlySpan<Tensor> outputs, ReadOnlySpan<Tensor?> operands, TArgs args = default!) =>
        OpRecorder.Record(this, outputs, operands, args);

    /// <summary>Whether operand <paramref name="i"/> gets an edge.</summary>
    internal bool IsDifferentiable(int i) => ((int)Differentiable & (1 << Math.Min(i, 31))) != 0;

    /// <summary>The edge of operand <paramref name="operand"/>: how many differentiable operands come before it.</summary>
    internal int EdgeOf(int operand) =>
        Differentiable == Operands.All ? operand : System.Numerics.BitOperations.PopCount((uint)Differentiable & ((1u << operand) - 1));

    /// <summary>The node slot holding the tensor saved from <paramref name="source"/>, or −1.</summary>
    internal int SlotOf(int source)
    {
        for (int k = 0; k < _saves.Length; k++)
        {
            if (_saves[k].Source == source)
            {
                return k;
            }
        }
        return -1;
    }

    /// <inheritdoc />
    public override string ToString() => Name ?? BackwardName ?? "op";
}

/// <summary>The non-tensor arguments of an op that has none.</summary>
internal readonly struct NoArgs;

/// <summary>A set of operand positions (up to 31, or all of any number).</summary>
[Flags]
internal enum Operands
{
    /// <summary>No operand: the op records no node.</summary>
    None = 0,

    /// <summary>Operand 0.</summary>
    First = 1,

    /// <summary>Operand 1.</summary>
    Second = 2,

    /// <summary>Operand 2.</summary>
    Third = 4,

    /// <summary>Every operand, however many (Cat).</summary>
    All = ~0,
}

/// <summary>Computes the differentiable operands' gradients, one per edge in operand order, null where none is needed.</summary>
internal delegate Tensor?[] BackwardRule<TArgs>(BackwardCall<TArgs> c);

/// <summary>
/// Adds the one differentiable operand's gradient into <paramref name="ownedSum"/> (the engine's gradient sum for that
/// operand, which no one else holds) and returns it, or returns the gradient itself as a new tensor when the sum is null.
/// </summary>
internal delegate Tensor AccumulateRule<TArgs>(BackwardCall<TArgs> c, Tensor? ownedSum);

/// <summary>Computes the output's tangent; null for a zero tangent. A tangent of a smaller broadcastable shape is expanded.</summary>
internal delegate Tensor? JvpRule<TArgs>(JvpCall<TArgs> c);

/// <summary>
/// A tensor an op keeps for backward: an operand or an output, saved unconditionally or only when another operand
/// requires grad (a bilinear op needs each operand only for the other one's gradient).
/// </summary>
internal readonly struct Save
{
    private const int OutputBase = 1 << 16;

    private Save(int source, int onlyIfRequiresGrad)
    {
        Source = source;
        OnlyIfRequiresGrad = onlyIfRequiresGrad;
    }

    /// <summary>Operand i, or <c>OutputBase + k</c> for output k.</summary>
    internal int Source { get; }

    /// <summary>The operand whose requiring grad makes the save needed; −1: always saved.</summary>
    internal int OnlyIfRequiresGrad { get; }

    /// <summary>Operand <paramref name="operand"/>.</summary>
    public static Save Input(int operand) => new(operand, -1);

    /// <summary>Output <paramref name="output"/> (0 for the result).</summary>
    public static Save Output(int output = 0) => new(OutputSource(output), -1);

    /// <summary>This tensor, saved only when operand <paramref name="operand"/> requires grad.</summary>
    public Save IfRequiresGrad(int operand) => new(Source, operand);

    internal static int OutputSource(int output) => OutputBase + output;

    internal bool IsOutput => Source >= OutputBase;

    internal int OutputIndex => Source - OutputBase;
}
