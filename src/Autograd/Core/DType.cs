namespace MiniTorch;

/// <summary>The element type of a tensor. MiniTorch tensors are floating point; float32 is the default, as in PyTorch.</summary>
public enum DType
{
    /// <summary>32-bit IEEE 754 float (<c>torch.float32</c>).</summary>
    Float32,

    /// <summary>64-bit IEEE 754 float (<c>torch.float64</c>).</summary>
    Float64,
}

/// <summary>Helpers for <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>The size of one element in bytes.</summary>
    public static int ElementSize(this DType dtype) => dtype == DType.Float32 ? sizeof(float) : sizeof(double);

    /// <summary>The name PyTorch prints for this dtype, e.g. <c>torch.float64</c>.</summary>
    public static string TorchName(this DType dtype) => dtype == DType.Float32 ? "torch.float32" : "torch.float64";
}
