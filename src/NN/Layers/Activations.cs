namespace MiniTorch.NN;

// Elementwise activations (and the softmaxes) as modules, with PyTorch's class names so model definitions port
// line by line. They hold no parameters and take input of any shape.

/// <summary>max(x, 0) (PyTorch's <c>nn.ReLU</c>).</summary>
public sealed class Relu : Module
{
    internal override string PrintedName => "ReLU";

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input) => input.Relu();
}

/// <summary>x for x &gt; 0, slope·x otherwise (PyTorch's <c>nn.LeakyReLU</c>, default slope 0.01).</summary>
public sealed class LeakyRelu : Module
{
    internal override string PrintedName => "LeakyReLU";

    /// <summary>Creates the activation with the given negative slope.</summary>
    public LeakyRelu(double negativeSlope = 0.01) => NegativeSlope = negativeSlope;

    /// <summary>The slope for negative inputs.</summary>
    public double NegativeSlope { get; }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input) => input.LeakyRelu(NegativeSlope);

    /// <inheritdoc />
    protected override string ExtraRepr() => FormattableString.Invariant($"negative_slope={NegativeSlope}");
}

/// <summary>Hyperbolic tangent (PyTorch's <c>nn.Tanh</c>).</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc />
    protected override Tensor Forward(Tensor input) => input.Tanh();
}

/// <summary>The logistic function 1 / (1 + e⁻ˣ) (PyTorch's <c>nn.Sigmoid</c>).</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc />
    protected override Tensor Forward(Tensor input) => input.Sigmoid();
}

/// <summary>GELU, x·Φ(x); exact (erf) by default, as PyTorch's <c>nn.GELU</c>, or the tanh approximation.</summary>
public sealed class Gelu : Module
{
    internal override string PrintedName => "GELU";

    /// <summary>Creates the activation.</summary>
    public Gelu(GeluApproximation approximate = GeluApproximation.None) => Approximate = approximate;

    /// <summary>Which form is computed.</summary>
    public GeluApproximation Approximate { get; }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input) => Functional.Gelu(input, Approximate);

    /// <inheritdoc />
    protected override string ExtraRepr() => $"approximate='{(Approximate == GeluApproximation.None ? "none" : "tanh")}'";
}

/// <summary>Softmax along a dimension (PyTorch's <c>nn.Softmax(dim)</c>), computed stably.</summary>
public sealed class Softmax : Module
{
    /// <summary>Creates the layer for dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public Softmax(int dim) => Dimension = dim;

    /// <summary>The dimension that sums to 1.</summary>
    public int Dimension { get; }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        CheckDimension(this, input, Dimension);
        return input.Softmax(Dimension);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"dim={Dimension}";

    internal static void CheckDimension(Module module, Tensor input, int dim)
    {
        int rank = Math.Max(input.Rank, 1);
        if (dim < -rank || dim >= rank)
        {
            throw module.DimensionError(input, dim);
        }
    }
}

/// <summary>log(softmax) along a dimension (PyTorch's <c>nn.LogSoftmax(dim)</c>), computed stably; pair it with <see cref="NllLoss"/>.</summary>
public sealed class LogSoftmax : Module
{
    /// <summary>Creates the layer for dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public LogSoftmax(int dim) => Dimension = dim;

    /// <summary>The dimension normalised over.</summary>
    public int Dimension { get; }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        Softmax.CheckDimension(this, input, Dimension);
        return input.LogSoftmax(Dimension);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"dim={Dimension}";
}
