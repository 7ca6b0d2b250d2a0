using MiniTorch.NN;

namespace MiniTorch.Examples.Activations;

/// <summary>Swish, x·σ(βx), as a layer.</summary>
public sealed class Swish(double beta = 1) : Module
{
    /// <summary>The slope β inside the sigmoid.</summary>
    public double Beta { get; } = beta;

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input) => ActivationOps.Swish.Apply([input], new Dictionary<string, double> { ["beta"] = Beta });

    /// <inheritdoc />
    protected override string ExtraRepr() => FormattableString.Invariant($"beta={Beta}");
}

/// <summary>SiLU, x·σ(x), as a layer (PyTorch's <c>nn.SiLU</c>).</summary>
public sealed class SiLU : Module
{
    /// <inheritdoc />
    protected override Tensor Forward(Tensor input) => ActivationOps.Silu.Apply(input);
}

/// <summary>Mish, x·tanh(softplus(x)), as a layer (PyTorch's <c>nn.Mish</c>).</summary>
public sealed class Mish : Module
{
    /// <inheritdoc />
    protected override Tensor Forward(Tensor input) => ActivationOps.Mish.Apply(input);
}

/// <summary>Softplus with β and a threshold above which it is linear, as a layer (PyTorch's <c>nn.Softplus</c>).</summary>
public sealed class Softplus(double beta = 1, double threshold = 20) : Module
{
    /// <summary>The sharpness β.</summary>
    public double Beta { get; } = beta;

    /// <summary>Above β·x &gt; threshold the layer returns x.</summary>
    public double Threshold { get; } = threshold;

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input) => ActivationOps.Softplus.Apply([input], new Dictionary<string, double> { ["beta"] = Beta, ["threshold"] = Threshold });

    /// <inheritdoc />
    protected override string ExtraRepr() => FormattableString.Invariant($"beta={Beta}, threshold={Threshold}");
}
