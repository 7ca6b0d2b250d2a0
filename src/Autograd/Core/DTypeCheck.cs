namespace MiniTorch;

/// <summary>
/// The one guard for ops that compute only in float32/float64 (matmul, convolution, pooling, softmax, layer norm, GELU,
/// unary float math, statistics, …): every such op calls it at its entry, so an integer, Bool or 16-bit tensor never
/// reaches a kernel that would cast its storage to float or double.
/// </summary>
internal static class DTypeCheck
{
    /// <summary>
    /// Throws a <see cref="NotSupportedException"/> naming <paramref name="op"/> and the dtype unless
    /// <paramref name="tensor"/> is Float32 or Float64. <paramref name="torchKernel"/> is the kernel name PyTorch's
    /// message quotes (<c>"softmax_lastdim_kernel_impl" not implemented for 'Long'</c>), when PyTorch refuses too.
    /// </summary>
    public static void RequireFloating(string op, Tensor tensor, string? torchKernel = null)
    {
        var dtype = tensor.DType;
        if (dtype is DType.Float32 or DType.Float64)
        {
            return;
        }
        throw Unsupported(op, dtype, torchKernel);
    }

    /// <summary>
    /// The floating tensor unary float math computes on: <paramref name="tensor"/> itself when Float32 or Float64; an
    /// integer or Bool tensor converted to the default floating dtype, as PyTorch promotes <c>torch.exp(int_tensor)</c>
    /// to float32; a Float16 or BFloat16 tensor is refused (a storage dtype here).
    /// </summary>
    public static Tensor PromoteToFloating(string op, Tensor tensor)
    {
        var dtype = tensor.DType;
        if (dtype is DType.Float32 or DType.Float64)
        {
            return tensor;
        }
        if (dtype.IsIntegral(includeBool: true))
        {
            return tensor.To(Tensor.GetDefaultDType());
        }
        throw Unsupported(op, dtype, null);
    }

    /// <summary>The error for <paramref name="op"/> on <paramref name="dtype"/>, with PyTorch's wording where it has one and the fix.</summary>
    public static NotSupportedException Unsupported(string op, DType dtype, string? torchKernel)
    {
        if (dtype is DType.Float16 or DType.BFloat16)
        {
            return new NotSupportedException(
                $"{op}: not implemented for '{dtype.ScalarTypeName()}' ({dtype} is a storage dtype in MiniTorch: no arithmetic runs on it). " +
                "Convert with .To(DType.Float32) first, as PyTorch's CPU kernels compute it in float32.");
        }
        string torch = torchKernel is null ? $"not implemented for '{dtype.ScalarTypeName()}'" : $"\"{torchKernel}\" not implemented for '{dtype.ScalarTypeName()}'";
        return new NotSupportedException(
            $"{op}: {torch} ({dtype}): MiniTorch computes {op} in floating point only (Float32/Float64). Convert with To(DType.Float32) first.");
    }
}
