namespace MiniTorch.NN;

/// <summary>
/// Zeroes each element with probability p during training and scales the others by 1/(1 − p); the identity in
/// evaluation mode (PyTorch's <c>nn.Dropout</c>). The mask comes from a seedable generator, so runs repeat exactly.
/// </summary>
public sealed class Dropout : Module
{
    private readonly Generator? _generator;

    /// <summary>Creates the layer.</summary>
    /// <param name="p">The probability of zeroing an element, in [0, 1].</param>
    /// <param name="generator">Draws the masks; <see cref="Generator.Default"/> if null.</param>
    public Dropout(double p = 0.5, Generator? generator = null)
    {
        Functional.CheckProbability("Dropout", p);
        P = p;
        _generator = generator;
    }

    /// <summary>The probability of zeroing an element.</summary>
    public double P { get; }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input) => Functional.Dropout(input, P, IsTraining, _generator);

    /// <inheritdoc />
    protected override string ExtraRepr() => FormattableString.Invariant($"p={P}");
}
