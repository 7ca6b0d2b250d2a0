namespace MiniTorch;

public partial class Tensor
{
    private static volatile int s_defaultDType = (int)DType.Float32;

    /// <summary>
    /// The floating dtype that creation functions use when none is given, and that type promotion gives an integer or
    /// bool tensor combined with a floating scalar (PyTorch's <c>torch.get_default_dtype()</c>); Float32 unless changed.
    /// </summary>
    public static DType GetDefaultDType() => (DType)s_defaultDType;

    /// <summary>
    /// Sets the default floating dtype for the whole process (PyTorch's <c>torch.set_default_dtype</c>). Only Float32
    /// and Float64 are accepted, as PyTorch accepts only floating types.
    /// </summary>
    /// <param name="dtype">Float32 or Float64.</param>
    public static void SetDefaultDType(DType dtype)
    {
        if (dtype is not (DType.Float32 or DType.Float64))
        {
            throw new ArgumentException($"SetDefaultDType: only floating-point types are supported as the default type (Float32 or Float64), got {dtype}.", nameof(dtype));
        }
        s_defaultDType = (int)dtype;
    }
}
