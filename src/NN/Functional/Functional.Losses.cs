namespace MiniTorch.NN;

/// <summary>How a loss combines the per-element losses.</summary>
public enum Reduction
{
    /// <summary>The average (for class-index losses, weighted by the class weights of the counted targets).</summary>
    Mean,

    /// <summary>The sum.</summary>
    Sum,

    /// <summary>No reduction: one loss per element.</summary>
    None,
}

// Losses. Unlike PyTorch, which broadcasts a target of another shape in MSE/L1 with only a warning (a classic silent
// bug), every loss here requires the shapes it documents and names both shapes when they differ.
public static partial class Functional
{
    /// <summary>Mean squared error (input − target)² (PyTorch's <c>F.mse_loss</c>).</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("MseLoss", input, target);
        var diff = input - target;
        return Reduce(diff * diff, reduction);
    }

    /// <summary>Mean absolute error |input − target| (PyTorch's <c>F.l1_loss</c>).</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("L1Loss", input, target);
        return Reduce((input - target).Abs(), reduction);
    }

    /// <summary>
    /// Cross-entropy from unnormalised logits (PyTorch's <c>F.cross_entropy</c>): LogSoftmax over the class dim, then
    /// <see cref="NllLoss"/>. Input (C), (N, C) or (N, C, d1, …). Target: Int64 class indices with the input's shape minus
    /// the class dim (positions holding <paramref name="ignoreIndex"/> count for nothing), or floating class
    /// probabilities with the input's shape (PyTorch ≥ 1.10). Float class indices are refused, as PyTorch refuses them
    /// ("expected scalar type Long but found Float"); so are Int32 ones.
    /// </summary>
    /// <param name="input">Logits; dim 1 (dim 0 for a 1-D input) indexes the classes.</param>
    /// <param name="target">Class indices or class probabilities.</param>
    /// <param name="weight">Optional weight per class, shape (C).</param>
    /// <param name="ignoreIndex">A target index that contributes nothing (nor to the mean's denominator).</param>
    /// <param name="reduction">Mean (weighted by the targets' class weights), sum, or none.</param>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        int classDim = ClassDim("CrossEntropyLoss", input);
        var logProbabilities = input.LogSoftmax(classDim);
        if (target.DType.IsFloatingPoint() && target.Shape.AsSpan().SequenceEqual(input.Shape))
        {
            CheckClassWeight("CrossEntropyLoss", weight, input, classDim);
            // Soft targets: −Σ_c w_c·p_c·log q_c per position; the mean divides by the number of positions, as PyTorch does.
            var weighted = weight is null ? target : target * weight.Reshape(ClassView(input.Rank, classDim, weight.Numel));
            var losses = -(weighted * logProbabilities).Sum(classDim);
            return reduction == Reduction.Mean ? losses.Mean() : Reduce(losses, reduction);
        }
        return Nll("CrossEntropyLoss", logProbabilities, target, weight, ignoreIndex, reduction, classDim);
    }

    /// <summary>
    /// Negative log-likelihood of log-probabilities (PyTorch's <c>F.nll_loss</c>): −w[t]·input[t] per position, for
    /// Int64 class-index targets t in [0, C) or <paramref name="ignoreIndex"/> (ignored positions count for nothing, nor
    /// in the mean's denominator). Other target dtypes are refused, as in PyTorch.
    /// </summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        return Nll("NllLoss", input, target, weight, ignoreIndex, reduction, ClassDim("NllLoss", input));
    }

    /// <summary>
    /// Binary cross-entropy on logits, computed stably as (1 − y)·x + (1 + (pw − 1)·y)·softplus(−x) with softplus
    /// evaluated as m + log(e^(−m) + e^(−x−m)), m = max(−x, 0) (PyTorch's <c>F.binary_cross_entropy_with_logits</c>).
    /// </summary>
    /// <param name="input">Logits.</param>
    /// <param name="target">Targets in [0, 1], the input's shape.</param>
    /// <param name="weight">Optional weight broadcast to the input.</param>
    /// <param name="posWeight">Optional weight of positive examples, broadcast along the last dim (one per class).</param>
    /// <param name="reduction">Mean, sum, or none.</param>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("BceWithLogitsLoss", input, target);
        var m = (-input).Relu();
        // m cancels mathematically, so the gradient at x = 0 is sigmoid(0) − y exactly, whatever m's derivative there.
        var softplusNeg = m + ((-m).Exp() + (-input - m).Exp()).Log();
        var losses = posWeight is null
            ? (1 - target) * input + softplusNeg
            : (1 - target) * input + ((posWeight - 1) * target + 1) * softplusNeg;
        if (weight is not null)
        {
            losses = losses * weight;
        }
        return Reduce(losses, reduction);
    }

    private static Tensor Nll(string op, Tensor logProbabilities, Tensor target, Tensor? weight, int ignoreIndex, Reduction reduction, int classDim)
    {
        var input = logProbabilities;
        var expected = new List<int>(input.Shape);
        expected.RemoveAt(classDim);
        if (!target.Shape.AsSpan().SequenceEqual(expected.ToArray()))
        {
            string probabilities = op == "CrossEntropyLoss" ? $" or {Format(input.Shape)} (class probabilities)" : "";
            throw new ArgumentException($"{op}: expected target of shape {Format(expected)} (class indices){probabilities} for input of shape {Format(input.Shape)}, got {Format(target.Shape)}.");
        }
        CheckClassWeight(op, weight, input, classDim);
        int classes = input.Size(classDim);
        var values = ClassIndices(op, target, classes, ignoreIndex, input.Shape);
        // Ignored positions read class 0 and count for nothing.
        var index = new long[values.Length];
        var counted = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bool keep = values[i] != ignoreIndex;
            index[i] = keep ? values[i] : 0;
            counted[i] = keep ? 1 : 0;
        }
        var indexTensor = Tensor.FromArray(index, target.Shape);
        var keepTensor = Tensor.FromArray(counted, target.Shape).To(input.DType);
        var picked = input.Gather(classDim, indexTensor.Unsqueeze(classDim)).Squeeze(classDim);
        var weights = weight is null ? keepTensor : weight.Detach().IndexSelect(0, indexTensor.Reshape(-1)).Reshape(target.Shape) * keepTensor;
        var losses = -picked * weights;
        // The mean divides by the total weight of the counted targets (their number when unweighted): PyTorch's definition.
        return reduction == Reduction.Mean ? losses.Sum() / weights.Sum() : Reduce(losses, reduction);
    }

    /// <summary>The Int64 targets, each checked to be a class index in [0, classes) or <paramref name="ignoreIndex"/>.</summary>
    private static long[] ClassIndices(string op, Tensor target, int classes, int ignoreIndex, int[] inputShape)
    {
        if (target.DType != DType.Int64)
        {
            string probabilities = op == "CrossEntropyLoss" ? $", or pass floating class probabilities with the input's shape {Format(inputShape)}" : "";
            // PyTorch's words: "expected scalar type Long but found Float".
            throw new ArgumentException($"{op}: expected scalar type Long but found {target.DType.ScalarTypeName()}: class-index targets are Int64 (build them with Tensor.FromArray(long[]), e.g. Tensor.FromArray([0, 2, 1]), or convert with .To(DType.Int64)){probabilities}.", nameof(target));
        }
        var values = target.ToArray<long>();
        for (int i = 0; i < values.Length; i++)
        {
            long v = values[i];
            if (v != ignoreIndex && (v < 0 || v >= classes))
            {
                throw new ArgumentOutOfRangeException(nameof(target), v, $"{op}: target {v} at position {Position(target.Shape, i)} is out of bounds: class indices must be in [0, {classes - 1}] for an input of {classes} classes (shape {Format(inputShape)}); positions to skip must hold ignoreIndex ({ignoreIndex}).");
            }
        }
        return values;
    }

    private static int ClassDim(string op, Tensor input)
    {
        if (input.Rank == 0)
        {
            throw new ArgumentException($"{op}: expected input of shape (C), (N, C) or (N, C, d1, …), got a 0-d tensor.");
        }
        return input.Rank == 1 ? 0 : 1;
    }

    private static void CheckClassWeight(string op, Tensor? weight, Tensor input, int classDim)
    {
        if (weight is not null && (weight.Rank != 1 || weight.Size(0) != input.Size(classDim)))
        {
            throw new ArgumentException($"{op}: expected a class weight of shape [{input.Size(classDim)}] for input of shape {Format(input.Shape)}, got {Format(weight.Shape)}.");
        }
    }

    private static int[] ClassView(int rank, int classDim, int classes)
    {
        var view = new int[rank];
        Array.Fill(view, 1);
        view[classDim] = classes;
        return view;
    }

    private static void CheckSameShape(string op, Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!input.Shape.AsSpan().SequenceEqual(target.Shape))
        {
            throw new ArgumentException($"{op}: target size {Format(target.Shape)} must be the same as input size {Format(input.Shape)}.");
        }
    }

    private static Tensor Reduce(Tensor losses, Reduction reduction) => reduction switch
    {
        Reduction.Mean => losses.Mean(),
        Reduction.Sum => losses.Sum(),
        Reduction.None => losses,
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
    };

    private static string Position(int[] shape, int flat)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Format(index);
    }
}
