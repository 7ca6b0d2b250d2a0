namespace MiniTorch.Plugins;

/// <summary>
/// One set of input shapes (and optionally attributes) on which <see cref="OpCheck"/> validates an op: it draws
/// float64 inputs of these shapes from a seeded generator (integers and booleans for the inputs the op declares in
/// <see cref="OpDefinition.InputDTypes"/>) and runs every check on them. Choose samples that reach
/// every branch of the op (e.g. both sides of a threshold) and keep them small: GradCheck costs two forward calls
/// per input element.
/// </summary>
public sealed class OpSample
{
    /// <summary>A sample with one shape per op input, e.g. <c>new OpSample([4, 5])</c> or <c>new OpSample([3, 4], [5, 4], [5])</c>.</summary>
    public OpSample(params int[][] inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        InputShapes = Array.ConvertAll(inputShapes, s => (int[])(s ?? throw new ArgumentNullException(nameof(inputShapes), "OpSample: an input shape is null.")).Clone());
    }

    /// <summary>The shape of each input.</summary>
    public IReadOnlyList<int[]> InputShapes { get; }

    /// <summary>Attribute values for this sample, laid over the op's defaults; null uses the defaults.</summary>
    public IReadOnlyDictionary<string, double>? Attributes { get; init; }

    /// <summary>
    /// Which inputs are differentiated (GradCheck'ed); null means every floating input. Inputs declared integer or bool
    /// (<see cref="OpDefinition.InputDTypes"/>) never are; mark float inputs that get no gradient false.
    /// </summary>
    public IReadOnlyList<bool>? Differentiable { get; init; }

    /// <summary>
    /// The interval the input values are drawn from, uniformly; null draws from the standard normal distribution.
    /// Use it for ops defined on part of the line only, e.g. <c>(0.1, 2.0)</c> for a logarithm.
    /// </summary>
    public (double Low, double High)? ValueRange { get; init; }

    /// <summary>
    /// For each integer input (by name), the interval <c>[Low, High)</c> its values are drawn from, uniformly, as
    /// <c>torch.randint(low, high)</c>: <c>["target"] = (0, 5)</c> for the class indices of 5 classes. Every input the
    /// op declares Int64, Int32 or UInt8 needs one; Bool inputs are drawn as fair coin flips and need none.
    /// </summary>
    public IReadOnlyDictionary<string, (long Low, long High)>? IntegerRanges { get; init; }

    /// <summary>The sample as error messages name it: <c>inputs [4, 5] with beta=2</c>.</summary>
    public override string ToString()
    {
        string shapes = string.Join(", ", InputShapes.Select(s => ShapeText.Format(s)));
        string attributes = Attributes is { Count: > 0 } a ? " with " + string.Join(", ", a.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => FormattableString.Invariant($"{p.Key}={p.Value}"))) : "";
        return $"inputs {shapes}{attributes}";
    }
}
