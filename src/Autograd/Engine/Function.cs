namespace MiniTorch;

/// <summary>
/// The base for custom differentiable ops with one output, like PyTorch's <c>torch.autograd.Function</c>: override
/// <see cref="Forward"/> (runs without recording a graph) and <see cref="Backward"/> (returns one gradient per
/// input), and call <see cref="Apply"/>. Write Backward with tensor ops and higher-order gradients work too.
/// For several outputs, derive from <see cref="MultiOutputFunction"/>; mark a class whose Backward is not itself
/// differentiable with <see cref="OnceDifferentiableAttribute"/>.
/// </summary>
/// <example>
/// <code>
/// sealed class Cube : Function
/// {
///     protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
///     {
///         ctx.SaveForBackward(inputs[0]);
///         return inputs[0].Pow(3);
///     }
///     protected override Tensor?[] Backward(FunctionContext ctx, Tensor grad)
///     {
///         var x = ctx.SavedTensors[0];
///         return [grad * 3 * x * x];
///     }
/// }
/// var y = new Cube().Apply(x);
/// </code>
/// </example>
public abstract class Function : ICustomFunction
{
    /// <summary>The op's name; its graph node is called <c>{Name}Backward</c>.</summary>
    public virtual string Name => GetType().Name;

    /// <summary>Computes the output from the inputs. Runs with grad mode off; save what backward needs on <paramref name="ctx"/>.</summary>
    protected abstract Tensor Forward(FunctionContext ctx, Tensor[] inputs);

    /// <summary>
    /// Returns the gradient of each input given the output's gradient (null for inputs that need none,
    /// see <see cref="FunctionContext.NeedsInputGrad"/>). Each must have its input's shape and dtype. Trailing
    /// nulls beyond the number of inputs are allowed, as in PyTorch.
    /// </summary>
    protected abstract Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput);

    /// <summary>
    /// Returns the output's tangent given the inputs' tangents (null for an input without one), for forward-mode AD
    /// (PyTorch's <c>Function.jvp</c>). It runs after <see cref="Forward"/> with the same context, so tensors saved there
    /// can be read from <see cref="FunctionContext.SavedTensors"/>; the result must have the output's shape and dtype
    /// (or broadcast to it), or be null for a zero tangent. Without an override, a dual input is an error.
    /// </summary>
    protected virtual Tensor? Jvp(FunctionContext ctx, Tensor?[] inputTangents) =>
        throw new NotSupportedException($"{Name}: this Function has no forward-mode rule, so it cannot be applied to dual tensors (ForwardAD). Override Jvp(ctx, inputTangents) to return the output's tangent.");

    /// <summary>Runs the op on <paramref name="inputs"/> and, if any requires grad, records it in the graph.</summary>
    public Tensor Apply(params Tensor[] inputs) => CustomFunctionRunner.Apply(this, inputs)[0];

    Tensor[] ICustomFunction.RunForward(FunctionContext ctx, Tensor[] inputs) =>
        [Forward(ctx, inputs) ?? throw new InvalidOperationException($"{Name}.Forward returned null; it must return a tensor.")];

    // A single output always has its gradient when the node runs: the engine runs a node only once one arrived.
    Tensor?[] ICustomFunction.RunBackward(FunctionContext ctx, Tensor?[] gradOutputs) =>
        Backward(ctx, gradOutputs[0] ?? ctx.ZeroGradient(0));

    Tensor?[]? ICustomFunction.RunJvp(FunctionContext ctx, Tensor?[] inputTangents) => Jvp(ctx, inputTangents) is { } t ? [t] : null;
}

/// <summary>
/// The base for custom differentiable ops with several outputs (PyTorch's <c>torch.autograd.Function</c> returning a
/// tuple): <see cref="Backward"/> receives one gradient per output, null for an output that received none when
/// <see cref="FunctionContext.SetMaterializeGrads"/> was turned off (zeros otherwise, PyTorch's default).
/// </summary>
public abstract class MultiOutputFunction : ICustomFunction
{
    /// <summary>The op's name; its graph node is called <c>{Name}Backward</c>.</summary>
    public virtual string Name => GetType().Name;

    /// <summary>Computes the outputs (at least one) from the inputs, with grad mode off.</summary>
    protected abstract Tensor[] Forward(FunctionContext ctx, Tensor[] inputs);

    /// <summary>Returns the gradient of each input (or null) given one gradient per output (see the class remarks for nulls).</summary>
    protected abstract Tensor?[] Backward(FunctionContext ctx, Tensor?[] gradOutputs);

    /// <summary>
    /// Returns one tangent per output (null for a zero tangent) given the inputs' tangents, for forward-mode AD
    /// (PyTorch's <c>Function.jvp</c>). Without an override, a dual input is an error.
    /// </summary>
    protected virtual Tensor?[] Jvp(FunctionContext ctx, Tensor?[] inputTangents) =>
        throw new NotSupportedException($"{Name}: this Function has no forward-mode rule, so it cannot be applied to dual tensors (ForwardAD). Override Jvp(ctx, inputTangents) to return the outputs' tangents.");

    /// <summary>Runs the op on <paramref name="inputs"/> and, if any requires grad, records it in the graph; one tensor per output.</summary>
    public Tensor[] Apply(params Tensor[] inputs) => CustomFunctionRunner.Apply(this, inputs);

    Tensor[] ICustomFunction.RunForward(FunctionContext ctx, Tensor[] inputs) =>
        Forward(ctx, inputs) ?? throw new InvalidOperationException($"{Name}.Forward returned null; it must return an array of tensors.");

    Tensor?[] ICustomFunction.RunBackward(FunctionContext ctx, Tensor?[] gradOutputs) => Backward(ctx, gradOutputs);

    Tensor?[]? ICustomFunction.RunJvp(FunctionContext ctx, Tensor?[] inputTangents) => Jvp(ctx, inputTangents);
}

/// <summary>
/// Marks a <see cref="Function"/> or <see cref="MultiOutputFunction"/> whose Backward is not differentiable (PyTorch's
/// <c>@once_differentiable</c>): Backward runs with grad mode off, and differentiating its result again (a
/// <c>createGraph</c> backward followed by another) throws PyTorch's error instead of giving a silently wrong zero.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class OnceDifferentiableAttribute : Attribute
{
}

/// <summary>What <see cref="CustomFunctionRunner"/> needs of either kind of custom function.</summary>
internal interface ICustomFunction
{
    string Name { get; }

    Tensor[] RunForward(FunctionContext ctx, Tensor[] inputs);

    Tensor?[] RunBackward(FunctionContext ctx, Tensor?[] gradOutputs);

    Tensor?[]? RunJvp(FunctionContext ctx, Tensor?[] inputTangents);
}
