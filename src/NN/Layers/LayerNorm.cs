namespace MiniTorch.NN;

/// <summary>
/// Layer normalisation over the trailing dims <see cref="NormalizedShape"/> of each sample, with a learnable
/// elementwise scale (ones) and shift (zeros) (PyTorch's <c>nn.LayerNorm</c>). The same in training and evaluation.
/// </summary>
public sealed class LayerNorm : Module
{
    private readonly int[] _normalizedShape;

    /// <summary>Normalises over the last dimension, of size <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true, DType dtype = DType.Float32)
        : this([normalizedShape], eps, elementwiseAffine, bias, dtype)
    {
    }

    /// <summary>Normalises over the trailing dimensions of shape <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || Array.Exists(normalizedShape, d => d <= 0) || !(eps > 0))
        {
            throw new ArgumentException($"LayerNorm: normalizedShape must be non-empty with positive sizes and eps positive; got [{string.Join(", ", normalizedShape)}], eps={eps}.");
        }
        _normalizedShape = normalizedShape.AsSpan().ToArray();
        Eps = eps;
        RegisterParameter("weight", elementwiseAffine ? new Parameter(Tensor.Ones(_normalizedShape, dtype)) : null);
        RegisterParameter("bias", elementwiseAffine && bias ? new Parameter(Tensor.Zeros(_normalizedShape, dtype)) : null);
    }

    /// <summary>The trailing shape normalised over.</summary>
    public int[] NormalizedShape => _normalizedShape.AsSpan().ToArray();

    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }

    /// <summary>The elementwise scale, or null without affine.</summary>
    public Parameter? Weight => GetParameter("weight");

    /// <summary>The elementwise shift, or null.</summary>
    public Parameter? Bias => GetParameter("bias");

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        int k = _normalizedShape.Length;
        bool fits = input.Rank >= k;
        for (int i = 0; fits && i < k; i++)
        {
            fits = input.Size(input.Rank - k + i) == _normalizedShape[i];
        }
        if (!fits)
        {
            throw InputError(input, $"[*, {string.Join(", ", _normalizedShape)}]", $"The trailing dimensions must equal NormalizedShape {FormatShape(_normalizedShape)}.");
        }
        var weight = Weight;
        if (weight is not null)
        {
            CheckDType(input, weight.DType);
        }
        return Functional.LayerNorm(input, _normalizedShape, weight, Bias, Eps);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => FormattableString.Invariant($"({string.Join(", ", _normalizedShape)},), eps={Eps}, elementwise_affine={PyBool(Weight is not null)}");
}
