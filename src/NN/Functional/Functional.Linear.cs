namespace MiniTorch.NN;

public static partial class Functional
{
    /// <summary>
    /// y = x·Wᵀ + b over the last dimension of <paramref name="input"/> (PyTorch's <c>F.linear</c>): input (*, in),
    /// weight (out, in), bias (out) or null.
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2 || input.Rank == 0 || input.Size(-1) != weight.Size(1))
        {
            throw new ArgumentException($"Linear: expected input (*, {(weight.Rank == 2 ? weight.Size(1) : "in")}) and weight (out, in), got input {Format(input.Shape)} and weight {Format(weight.Shape)}.");
        }
        if (bias is not null && (bias.Rank != 1 || bias.Size(0) != weight.Size(0)))
        {
            throw new ArgumentException($"Linear: expected bias of shape [{weight.Size(0)}] for a weight of shape {Format(weight.Shape)}, got {Format(bias.Shape)}.");
        }
        var output = Tensor.Matmul(input, weight.T);
        if (bias is not null)
        {
            // With nothing to record, the product is this call's own tensor: adding the bias into it is the same sum
            // bit for bit, without a second output (an inference loop's allocations and a pass's worth of writes).
            output = AddsBiasInPlace(output, input, weight, bias) ? output.AddInPlace(bias) : output + bias;
        }
        if (Tracing.IsActive)
        {
            // One op, so an exporter can emit Gemm (with the weight transposed in the op, not as a separate node).
            Tracing.Record("Linear", [output], [input, weight, bias]);
        }
        return output;
    }

    private static bool AddsBiasInPlace(Tensor product, Tensor input, Tensor weight, Tensor bias) =>
        !Tracing.IsActive && !ForwardAD.IsActive && product.IsContiguous && product.DType == bias.DType
        && !(Autograd.IsGradEnabled && (input.RequiresGrad || weight.RequiresGrad || bias.RequiresGrad));
}
