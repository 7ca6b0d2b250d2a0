namespace MiniTorch.Plugins;

/// <summary>How a plugin op is written in ONNX: see <see cref="OnnxOpLowering.Compose"/> and <see cref="OnnxOpLowering.Function"/>.</summary>
public enum OnnxLoweringKind
{
    /// <summary>The op's nodes are written into the graph in its place, as standard ONNX operators.</summary>
    Compose,

    /// <summary>The op is one node of a custom domain, defined by a FunctionProto stored in the model.</summary>
    Function,
}

/// <summary>
/// A plugin op's ONNX form, declared on <see cref="OpDefinition.OnnxLowering"/> so that models calling the op export
/// with <c>OnnxExporter.Export</c> and <see cref="OpCheck"/> can cross-check the op in ONNX Runtime. PyTorch's
/// <c>torch.onnx.register_custom_op_symbolic</c>, but declared with the op itself, checked when the plugin registers
/// it, and written without referencing any ONNX package: the body is recorded by an <see cref="OnnxOpBuilder"/>.
/// </summary>
/// <example>
/// <code>
/// // Inline standard operators: the exported graph holds Mul and Sigmoid nodes.
/// OnnxLowering = OnnxOpLowering.Compose(g => g.Op("Mul", g.Input(0), g.Op("Sigmoid", g.Input(0))))
/// // One node "activations::swish" whose FunctionProto (stored in the model) has the same body.
/// OnnxLowering = OnnxOpLowering.Function(g => g.Op("Mul", g.Input(0), g.Op("Sigmoid", g.Input(0))))
/// </code>
/// </example>
public sealed class OnnxOpLowering
{
    private readonly Func<OnnxOpBuilder, OnnxValue> _body;

    private OnnxOpLowering(OnnxLoweringKind kind, Func<OnnxOpBuilder, OnnxValue> body, string? domain, int domainVersion)
    {
        Kind = kind;
        _body = body;
        Domain = domain;
        DomainVersion = domainVersion;
    }

    /// <summary>Whether the op is inlined as standard operators or written as a function of a custom domain.</summary>
    public OnnxLoweringKind Kind { get; }

    /// <summary>The custom domain of a <see cref="OnnxLoweringKind.Function"/> lowering; null means the plugin's name. Null for Compose.</summary>
    public string? Domain { get; }

    /// <summary>The version of the custom domain the function belongs to (the model's opset import for it).</summary>
    public int DomainVersion { get; }

    /// <summary>
    /// Lowers the op to standard ONNX operators written in place of each call. The attributes of the call become
    /// constants of the op's dtype. The common case, and the one every ONNX consumer can read.
    /// </summary>
    public static OnnxOpLowering Compose(Func<OnnxOpBuilder, OnnxValue> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new OnnxOpLowering(OnnxLoweringKind.Compose, body, null, 0);
    }

    /// <summary>
    /// Lowers the op to one node <c>domain::opName</c> whose definition, a FunctionProto with <paramref name="body"/>,
    /// is stored in the exported model, so the model stays self-contained and ONNX Runtime runs it by inlining the body.
    /// The op's attributes become the node's attributes (double-precision scalar tensors), so the graph shows the call as
    /// one op with its settings.
    /// </summary>
    /// <param name="body">The function's body in standard ONNX operators.</param>
    /// <param name="domain">The custom domain, e.g. <c>com.example.activations</c>; null uses the plugin's name.</param>
    /// <param name="domainVersion">The domain's version, at least 1.</param>
    public static OnnxOpLowering Function(Func<OnnxOpBuilder, OnnxValue> body, string? domain = null, int domainVersion = 1)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(domainVersion, 1);
        if (domain is not null && (domain.Length == 0 || domain == "ai.onnx" || domain.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))))
        {
            throw new ArgumentException($"OnnxOpLowering.Function: '{domain}' cannot be a custom domain; use letters, digits, '.', '_' and '-', e.g. com.example.activations, and not the standard domain.", nameof(domain));
        }
        return new OnnxOpLowering(OnnxLoweringKind.Function, body, domain, domainVersion);
    }

    /// <summary>
    /// Runs the body on a recording builder for an op with these inputs and attributes. Throws
    /// <see cref="ArgumentException"/> naming the op if the body reads an input or attribute the op does not have,
    /// returns a value of another builder, or returns nothing.
    /// </summary>
    public OnnxLoweringGraph Record(string opName, IReadOnlyList<string> inputs, IReadOnlyCollection<string> attributes)
    {
        ArgumentNullException.ThrowIfNull(opName);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(attributes);
        string owner = $"Op '{opName}'";
        var builder = new OnnxOpBuilder(owner, inputs, attributes);
        var output = _body(builder) ?? throw new ArgumentException($"{owner}: the ONNX lowering returned null; return the value that is the op's result.");
        if (!ReferenceEquals(output.Owner, builder))
        {
            throw new ArgumentException($"{owner}: the ONNX lowering returned {output} of another builder; return a value made by the builder it was given.");
        }
        return new OnnxLoweringGraph([.. builder.Nodes], output);
    }
}
