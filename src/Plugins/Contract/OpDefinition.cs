namespace MiniTorch.Plugins;

/// <summary>
/// A differentiable op a plugin adds: its name, its inputs, how to make the <see cref="Function"/> that computes it
/// (forward and backward, as for any custom op) and the samples it is validated on.
/// </summary>
/// <example>
/// <code>
/// registrar.AddOp(new OpDefinition
/// {
///     Name = "softplus",
///     Inputs = ["input"],
///     Attributes = new Dictionary&lt;string, double&gt; { ["beta"] = 1, ["threshold"] = 20 },
///     Create = a => new SoftplusFunction(a["beta"], a["threshold"]),
///     Samples = [new OpSample([4, 5]), new OpSample([4, 5]) { Attributes = new Dictionary&lt;string, double&gt; { ["beta"] = 2, ["threshold"] = 1 } }],
/// });
/// </code>
/// </example>
public sealed class OpDefinition
{
    /// <summary>The op's name, as callers pass it to <see cref="OpRegistry.Invoke(string, Tensor[])"/>: lower case, digits and '_', starting with a letter (<c>linear_gelu</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The names of the tensor inputs, in order; their count is the op's arity. Used in error messages.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>
    /// Makes the <see cref="Function"/> for one call from its attributes. A new function per call keeps calls
    /// independent; MiniTorch's <see cref="Function"/> keeps per-call state in its context, so returning a shared
    /// instance is also correct when the function has no fields that change.
    /// </summary>
    public required Func<OpAttributes, Function> Create { get; init; }

    /// <summary>The samples <see cref="OpCheck"/> validates the op on; at least one.</summary>
    public required IReadOnlyList<OpSample> Samples { get; init; }

    /// <summary>Scalar settings with their defaults (camelCase names, e.g. <c>beta</c>); callers may override them per call.</summary>
    public IReadOnlyDictionary<string, double> Attributes { get; init; } = new Dictionary<string, double>();

    /// <summary>One line for listings: what the op computes.</summary>
    public string Description { get; init; } = "";
}
