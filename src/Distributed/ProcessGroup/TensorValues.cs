namespace MiniTorch.Distributed;

/// <summary>
/// Moves a tensor's values the way a collective does: outside autograd (no graph is recorded, a tangent is ignored)
/// but visible to it (a written tensor's version counter is bumped, as by every in-place write), through the core's
/// public API only.
/// </summary>
internal static class TensorValues
{
    /// <summary>The tensor itself when it is contiguous, else a new contiguous copy of its values (dispose it after use).</summary>
    public static Tensor Contiguous(Tensor tensor)
    {
        if (tensor.IsContiguous)
        {
            return tensor;
        }
        using (Autograd.NoGrad())
        {
            using var values = tensor.Detach();
            return values.Contiguous();
        }
    }

    /// <summary>A new contiguous tensor of <paramref name="tensor"/>'s values converted to <paramref name="dtype"/> (integers wrap, as PyTorch's casts do).</summary>
    public static Tensor Converted(Tensor tensor, DType dtype)
    {
        using (Autograd.NoGrad())
        {
            using var values = tensor.Detach();
            var converted = values.To(dtype);
            if (converted.IsContiguous)
            {
                return converted;
            }
            using (converted)
            {
                return converted.Contiguous();
            }
        }
    }

    /// <summary>Copies <paramref name="source"/>'s values into <paramref name="target"/> of the same shape and bumps its version.</summary>
    public static void Copy(Tensor source, Tensor target)
    {
        using (Autograd.NoGrad())
        {
            using var from = source.Detach();
            using var into = target.Detach();
            into.CopyFromInPlace(from);
        }
    }

    /// <summary>A shape or strides as PyTorch prints them, <c>[2, 3]</c>.</summary>
    public static string Format(int[] dims) => "[" + string.Join(", ", dims) + "]";
}
