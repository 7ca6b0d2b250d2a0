namespace MiniTorch.Onnx;

/// <summary>
/// What a custom-domain node is imported as (<see cref="IOnnxCustomOps.Find"/>): a differentiable op of one output,
/// its numeric attributes with defaults (the node's attributes are laid over them, an attribute the op does not declare
/// is an import error), and the domain version it implements.
/// </summary>
public sealed class OnnxCustomOp
{
    /// <summary>Describes the op and runs it with <paramref name="run"/>.</summary>
    /// <param name="description">The op as error messages name it, e.g. <c>op 'softplus' of plugin activations 1.0.0 (…/ActivationsPlugin.dll)</c>.</param>
    /// <param name="inputCount">The number of tensor inputs the node must have.</param>
    /// <param name="attributes">The op's attributes with their defaults.</param>
    /// <param name="domainVersion">The version of the custom domain the op implements; the model must import the domain at it.</param>
    /// <param name="run">Runs the op on float tensors with the node's attributes laid over the defaults; records the autograd graph as any op.</param>
    public OnnxCustomOp(string description, int inputCount, IReadOnlyDictionary<string, double> attributes, long domainVersion, Func<Tensor[], IReadOnlyDictionary<string, double>, Tensor> run)
    {
        ArgumentException.ThrowIfNullOrEmpty(description);
        ArgumentOutOfRangeException.ThrowIfNegative(inputCount);
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentOutOfRangeException.ThrowIfLessThan(domainVersion, 1);
        ArgumentNullException.ThrowIfNull(run);
        Description = description;
        InputCount = inputCount;
        Attributes = attributes;
        DomainVersion = domainVersion;
        Run = run;
    }

    /// <summary>The op as error messages name it.</summary>
    public string Description { get; }

    /// <summary>The number of tensor inputs.</summary>
    public int InputCount { get; }

    /// <summary>The op's attributes with their defaults.</summary>
    public IReadOnlyDictionary<string, double> Attributes { get; }

    /// <summary>The version of the custom domain the op implements.</summary>
    public long DomainVersion { get; }

    /// <summary>Runs the op on its inputs with a full set of attribute values.</summary>
    public Func<Tensor[], IReadOnlyDictionary<string, double>, Tensor> Run { get; }

    /// <inheritdoc />
    public override string ToString() => Description;
}
