namespace MiniTorch.NN;

/// <summary>
/// A fully connected layer y = x·Wᵀ + b over the last dimension (PyTorch's <c>nn.Linear</c>): input (*, in_features),
/// output (*, out_features). Initialised as PyTorch does: W ~ kaiming_uniform(a = √5), i.e. U(±1/√in_features), and
/// b ~ U(±1/√in_features).
/// </summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer and initialises it from <paramref name="generator"/> (<see cref="Generator.Default"/> if null).</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegative(outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        RegisterParameter("weight", new Parameter(Tensor.Zeros([outFeatures, inFeatures], dtype)));
        RegisterParameter("bias", bias ? new Parameter(Tensor.Zeros([outFeatures], dtype)) : null);
        ResetParameters(generator);
    }

    /// <summary>The number of input features.</summary>
    public int InFeatures { get; }

    /// <summary>The number of output features.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, shape (out_features, in_features).</summary>
    public Parameter Weight => RequiredParameter("weight");

    /// <summary>The bias, shape (out_features), or null for a layer without bias.</summary>
    public Parameter? Bias => GetParameter("bias");

    /// <summary>Re-draws the weight and bias with PyTorch's default initialisation.</summary>
    public void ResetParameters(Generator? generator = null)
    {
        Init.KaimingUniformInPlace(Weight, a: Math.Sqrt(5), generator: generator);
        if (Bias is { } b)
        {
            double bound = InFeatures > 0 ? 1 / Math.Sqrt(InFeatures) : 0;
            Init.UniformInPlace(b, -bound, bound, generator);
        }
    }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        var weight = Weight;
        CheckDType(input, weight.DType);
        if (input.Rank == 0 || input.Size(-1) != InFeatures)
        {
            throw InputError(input, $"[*, {InFeatures}]", $"The last dimension must be InFeatures={InFeatures}.");
        }
        return Functional.Linear(input, weight, Bias);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={PyBool(Bias is not null)}";
}
