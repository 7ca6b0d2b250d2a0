namespace MiniTorch.OpDatabase;

/// <summary>
/// The rule for what counts as an op, and the public methods that are not ops. An op is a public method of
/// <see cref="Tensor"/> or of the NN library's <see cref="NN.Functional"/> that returns a <see cref="Tensor"/> (or a
/// tuple of tensors) computed from tensor inputs: each needs a row of <see cref="OpTable"/> naming it in
/// <see cref="OpInfo.Api"/>. Not ops: creation (a tensor from shapes, values or a generator, with no tensor input
/// to differentiate), autograd and lifetime utilities (they change how a tensor is tracked, not its values), and
/// thin aliases that only forward to an op with a row. Each is listed here with its reason; the completeness test
/// fails on a public method that is in neither place, and on an entry here that no longer exists.
/// </summary>
public static class ApiExclusions
{
    private const string Creation = "creation: makes a tensor from shapes, values or a generator; no tensor input to differentiate or export";
    private const string Utility = "autograd/lifetime utility: changes how the tensor is tracked (graph, scope, grad flag), not its values";

    /// <summary>Excluded <c>Type.Method</c> names and why.</summary>
    public static IReadOnlyDictionary<string, string> Reasons { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Tensor.Zeros"] = Creation,
        ["Tensor.Ones"] = Creation,
        ["Tensor.Full"] = Creation,
        ["Tensor.Eye"] = Creation,
        ["Tensor.Arange"] = Creation,
        ["Tensor.Linspace"] = Creation,
        ["Tensor.Rand"] = Creation,
        ["Tensor.Randn"] = Creation,
        ["Tensor.Randint"] = Creation,
        ["Tensor.Scalar"] = Creation,
        ["Tensor.FromArray"] = Creation,
        ["Tensor.WrapArray"] = Creation,
        ["Tensor.IndexTensor"] = Creation,
        ["Tensor.ZerosLike"] = Creation + " (only the input's shape and dtype are read)",
        ["Tensor.OnesLike"] = Creation + " (only the input's shape and dtype are read)",
        ["Tensor.FullLike"] = Creation + " (only the input's shape and dtype are read)",
        ["Tensor.RandLike"] = Creation + " (only the input's shape and dtype are read)",
        ["Tensor.RandnLike"] = Creation + " (only the input's shape and dtype are read)",
        ["Tensor.Detach"] = Utility,
        ["Tensor.DetachInPlace"] = Utility,
        ["Tensor.DetachFromScope"] = Utility,
        ["Tensor.MoveToOuterScope"] = Utility,
        ["Tensor.SetRequiresGrad"] = Utility,
    };
}
