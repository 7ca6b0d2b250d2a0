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
        if (input.DType == weight.DType && Recording.Nothing(input, weight, bias))
        {
            return LinearUnrecorded(input, weight, bias);
        }
        var output = Tensor.Matmul(input, weight.T);
        output = bias is null ? output : output + bias;
        if (Tracing.IsActive)
        {
            // One op, so an exporter can emit Gemm (with the weight transposed in the op, not as a separate node).
            Tracing.Record("Linear", [output], [input, weight, bias]);
        }
        return output;
    }

    /// <summary>
    /// The Linear that nothing records, bit for bit Matmul's product plus the bias: the input's leading dims folded into
    /// the rows of one product (as Matmul folds them), the bias added into that fresh product in place (the same
    /// rounded sums, without a second output), and the views made on the way (the input's rows, the weight's transpose,
    /// the product before its reshape) disposed here, as this call's own: the output is then the only view of its array,
    /// so disposing it (a Sequential releasing an activation) gives the array back to the pool at once.
    /// </summary>
    private static Tensor LinearUnrecorded(Tensor input, Tensor weight, Tensor? bias)
    {
        var rows = input.Rank == 2 ? input : input.Reshape(-1, input.Size(-1));
        var weightT = weight.T;
        var product = Tensor.Matmul(rows, weightT);
        weightT.Dispose();
        if (bias is not null)
        {
            if (product.DType == bias.DType && product.IsContiguous)
            {
                product.AddInPlace(bias);
            }
            else
            {
                // A promoted sum is a new tensor; the product is then this call's own temporary.
                var sum = product + bias;
                product.Dispose();
                product = sum;
            }
        }
        if (!ReferenceEquals(rows, input))
        {
            rows.Dispose();
        }
        if (input.Rank == 2)
        {
            return product;
        }
        int[] shape = [.. input.Shape[..^1], weight.Size(0)];
        var output = product.Reshape(shape);
        if (!ReferenceEquals(output, product))
        {
            product.Dispose();
        }
        return output;
    }
}
