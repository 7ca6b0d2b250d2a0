using MiniTorch.NN;

namespace MiniTorch.Examples.Activations;

/// <summary>
/// A fully connected layer followed by the exact GELU, computed by the fused <c>linear_gelu</c> op: the same result as
/// <c>new Sequential(new Linear(in, out), new Gelu())</c>, with one graph node instead of five. Initialised as
/// <see cref="Linear"/> is (PyTorch's defaults).
/// </summary>
public sealed class LinearGelu : Module
{
    /// <summary>Creates the layer, initialised from <paramref name="generator"/> (<see cref="Generator.Default"/> if null).</summary>
    public LinearGelu(int inFeatures, int outFeatures, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        RegisterParameter("weight", new Parameter(Tensor.Zeros([outFeatures, inFeatures])));
        RegisterParameter("bias", new Parameter(Tensor.Zeros([outFeatures])));
        Init.KaimingUniformInPlace(Weight, a: Math.Sqrt(5), generator: generator);
        double bound = 1 / Math.Sqrt(inFeatures);
        Init.UniformInPlace(Bias, -bound, bound, generator);
    }

    /// <summary>The number of input features.</summary>
    public int InFeatures { get; }

    /// <summary>The number of output features.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, shape (out_features, in_features); read from the registry so <see cref="Module.To"/> can replace it.</summary>
    public Parameter Weight => RequiredParameter("weight");

    /// <summary>The bias, shape (out_features).</summary>
    public Parameter Bias => RequiredParameter("bias");

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        CheckDType(input, Weight.DType);
        if (input.Rank == 0 || input.Size(-1) != InFeatures)
        {
            throw InputError(input, $"[*, {InFeatures}]", $"The last dimension must be in_features={InFeatures}.");
        }
        return ActivationOps.LinearGelu.Apply(input, Weight, Bias);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}";
}
