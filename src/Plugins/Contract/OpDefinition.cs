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
    public required Func<PluginAttributes, Function> Create { get; init; }

    /// <summary>The samples <see cref="OpCheck"/> validates the op on; at least one.</summary>
    public required IReadOnlyList<OpSample> Samples { get; init; }

    /// <summary>
    /// The dtype of each integer or bool input, by input name: <see cref="DType.Int64"/> for class indices,
    /// <see cref="DType.Bool"/> for masks (also Int32 and UInt8). Inputs not listed are floating and follow the call's
    /// dtype (float32 or float64). A call that passes another dtype for a listed input is an
    /// <see cref="ArgumentException"/> naming the op and the input; <see cref="OpCheck"/> draws such inputs as integers
    /// (<see cref="OpSample.IntegerRanges"/>) or booleans and checks no gradient for them. Empty by default, which is
    /// what plugins built before integer inputs existed get: their contract is unchanged.
    /// </summary>
    public IReadOnlyDictionary<string, DType> InputDTypes { get; init; } = new Dictionary<string, DType>();

    /// <summary>Scalar settings with their defaults (camelCase names, e.g. <c>beta</c>); callers may override them per call.</summary>
    public IReadOnlyDictionary<string, double> Attributes { get; init; } = new Dictionary<string, double>();

    /// <summary>One line for listings: what the op computes.</summary>
    public string Description { get; init; } = "";

    /// <summary>
    /// How the op is written in ONNX (<see cref="OnnxOpLowering.Compose"/> or <see cref="OnnxOpLowering.Function"/>);
    /// null if it has no ONNX form. With it, models calling the op export with <c>OnnxExporter.Export</c> and
    /// <see cref="OpCheck"/> cross-checks the op in ONNX Runtime when given a cross-check (<see cref="OpCheckOptions.CrossCheck"/>).
    /// </summary>
    public OnnxOpLowering? OnnxLowering { get; init; }

    /// <summary>The name of the plugin that registered the op (set by <see cref="PluginRegistrar.AddOp"/>); null before.</summary>
    public string? PluginName { get; private set; }

    /// <summary>
    /// Runs the op with its default attributes, as <see cref="OpRegistry.Invoke(string, Tensor[])"/> does: the plugin's
    /// own modules call their ops this way, so an exported model records the call as this plugin op (with its
    /// attributes) rather than as an anonymous <see cref="Function"/>.
    /// </summary>
    public Tensor Apply(params Tensor[] inputs) => Apply(inputs, null);

    /// <summary>Runs the op with <paramref name="attributes"/> laid over its defaults.</summary>
    /// <exception cref="ArgumentException">The number of inputs is not the op's, or an attribute is not one of its own.</exception>
    public Tensor Apply(Tensor[] inputs, IReadOnlyDictionary<string, double>? attributes)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length != Inputs.Count)
        {
            throw new ArgumentException($"Op '{Name}' takes {Inputs.Count} input(s) ({string.Join(", ", Inputs)}), got {inputs.Length}.", nameof(inputs));
        }
        CheckInputDTypes(inputs);
        return Run(inputs, PluginAttributes.Merge($"Op '{Name}'", Attributes, [], attributes));
    }

    /// <summary>The declared dtype of input <paramref name="index"/>, or null for a floating input.</summary>
    internal DType? DeclaredDType(int index) => InputDTypes.TryGetValue(Inputs[index], out var dtype) ? dtype : null;

    /// <summary>
    /// Checks that each input declared in <see cref="InputDTypes"/> has its dtype, before the plugin's code runs, so a
    /// float tensor passed as class indices is the caller's error with the op and input named, not a failure deep in
    /// the plugin.
    /// </summary>
    internal void CheckInputDTypes(Tensor[] inputs)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentNullException(nameof(inputs), $"{Describe()}: input {i} '{Inputs[i]}' is null.");
            }
            if (DeclaredDType(i) is { } declared && inputs[i].DType != declared)
            {
                throw new ArgumentException(
                    $"{Describe()}: input {i} '{Inputs[i]}' is declared {declared} (OpDefinition.InputDTypes) but got a {inputs[i].DType} tensor of shape {ShapeText.Format(inputs[i].Shape)}; convert it with .To(DType.{declared}).",
                    nameof(inputs));
            }
        }
    }

    private string Describe() => PluginName is null ? $"Op '{Name}'" : $"Op '{Name}' of plugin '{PluginName}'";

    /// <summary>Creates the function, applies it and reports the call to an open trace as this plugin op.</summary>
    internal Tensor Run(Tensor[] inputs, PluginAttributes attributes)
    {
        var function = Create(attributes) ?? throw new InvalidOperationException("Create returned null instead of a Function.");
        var output = function.Apply(inputs);
        if (Tracing.IsActive)
        {
            PluginOpTrace.Record(this, attributes, inputs, output);
        }
        return output;
    }

    /// <summary>Records the plugin that registers the op; a definition shared by two plugins would be ambiguous in an export.</summary>
    internal void AssignPlugin(string pluginName)
    {
        if (PluginName is not null && PluginName != pluginName)
        {
            throw new ArgumentException($"Op '{Name}': this OpDefinition is already registered by plugin '{PluginName}'; plugin '{pluginName}' needs its own definition.");
        }
        PluginName = pluginName;
    }
}
