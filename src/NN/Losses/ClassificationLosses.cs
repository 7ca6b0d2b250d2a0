namespace MiniTorch.NN;

/// <summary>
/// Cross-entropy from logits (PyTorch's <c>nn.CrossEntropyLoss</c>), stable through LogSoftmax. Input (N, C),
/// (C) or (N, C, d1, …); target Int64 class indices of shape (N) / () / (N, d1, …), or floating class probabilities of
/// the input's shape (PyTorch ≥ 1.10). A label outside [0, C) (other than ignoreIndex) is an error naming it; float or
/// Int32 class indices are refused, as PyTorch refuses them.
/// </summary>
public sealed class CrossEntropyLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="weight">Optional weight per class, shape (C).</param>
    /// <param name="ignoreIndex">A target value that is skipped (PyTorch's default −100).</param>
    /// <param name="reduction">Mean (weighted), sum, or none.</param>
    public CrossEntropyLoss(Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean) : base(reduction)
    {
        Weight = weight;
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>The class weights, or null.</summary>
    public Tensor? Weight { get; }

    /// <summary>The target value that is skipped.</summary>
    public int IgnoreIndex { get; }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input, Tensor target) => Functional.CrossEntropy(input, target, Weight, IgnoreIndex, Reduction);
}

/// <summary>Negative log-likelihood of log-probabilities (PyTorch's <c>nn.NLLLoss</c>) for Int64 class-index targets; pair it with <see cref="LogSoftmax"/>.</summary>
public sealed class NllLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="weight">Optional weight per class, shape (C).</param>
    /// <param name="ignoreIndex">A target value that is skipped (PyTorch's default −100).</param>
    /// <param name="reduction">Mean (weighted), sum, or none.</param>
    public NllLoss(Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean) : base(reduction)
    {
        Weight = weight;
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>The class weights, or null.</summary>
    public Tensor? Weight { get; }

    /// <summary>The target value that is skipped.</summary>
    public int IgnoreIndex { get; }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input, Tensor target) => Functional.NllLoss(input, target, Weight, IgnoreIndex, Reduction);
}

/// <summary>
/// Binary cross-entropy on logits (PyTorch's <c>nn.BCEWithLogitsLoss</c>), stable for logits of any size because the
/// sigmoid is never formed; target in [0, 1] with the input's shape.
/// </summary>
public sealed class BceWithLogitsLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="weight">Optional weight broadcast to the input.</param>
    /// <param name="posWeight">Optional weight of positive examples per class (broadcast along the last dim).</param>
    /// <param name="reduction">Mean, sum, or none.</param>
    public BceWithLogitsLoss(Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean) : base(reduction)
    {
        Weight = weight;
        PosWeight = posWeight;
    }

    /// <summary>The elementwise weight, or null.</summary>
    public Tensor? Weight { get; }

    /// <summary>The weight of positive examples, or null.</summary>
    public Tensor? PosWeight { get; }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input, Tensor target) => Functional.BinaryCrossEntropyWithLogits(input, target, Weight, PosWeight, Reduction);
}
