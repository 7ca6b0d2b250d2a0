namespace MiniTorch;

/// <summary>
/// The element type of a tensor, with PyTorch's names and categories: bool &lt; integer &lt; floating. Float32 is the
/// default floating dtype, as in PyTorch (see <see cref="Tensor.GetDefaultDType"/>).
/// </summary>
/// <remarks>
/// The first two values keep their numbers (0 and 1) from when MiniTorch had only those two, so serialized
/// enum values stay valid.
/// </remarks>
public enum DType
{
    /// <summary>32-bit IEEE 754 float (<c>torch.float32</c>).</summary>
    Float32 = 0,

    /// <summary>64-bit IEEE 754 float (<c>torch.float64</c>).</summary>
    Float64 = 1,

    /// <summary>64-bit signed integer (<c>torch.int64</c>): PyTorch's index and class-label type.</summary>
    Int64 = 2,

    /// <summary>32-bit signed integer (<c>torch.int32</c>).</summary>
    Int32 = 3,

    /// <summary>Boolean, one byte per element (<c>torch.bool</c>): the result of comparisons and the type of masks.</summary>
    Bool = 4,

    /// <summary>8-bit unsigned integer (<c>torch.uint8</c>), e.g. image bytes.</summary>
    UInt8 = 5,

    /// <summary>IEEE 754 half precision (<c>torch.float16</c>), a storage type: compute after <c>To(DType.Float32)</c>.</summary>
    Float16 = 6,

    /// <summary>Brain floating point (<c>torch.bfloat16</c>), a storage type: compute after <c>To(DType.Float32)</c>.</summary>
    BFloat16 = 7,
}

/// <summary>Helpers for <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>The size of one element in bytes.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.Float32 or DType.Int32 => 4,
        DType.Float64 or DType.Int64 => 8,
        DType.Float16 or DType.BFloat16 => 2,
        DType.Bool or DType.UInt8 => 1,
        _ => throw Unknown(dtype),
    };

    /// <summary>The name PyTorch prints for this dtype, e.g. <c>torch.float64</c>.</summary>
    public static string TorchName(this DType dtype) => dtype switch
    {
        DType.Float32 => "torch.float32",
        DType.Float64 => "torch.float64",
        DType.Int64 => "torch.int64",
        DType.Int32 => "torch.int32",
        DType.Bool => "torch.bool",
        DType.UInt8 => "torch.uint8",
        DType.Float16 => "torch.float16",
        DType.BFloat16 => "torch.bfloat16",
        _ => throw Unknown(dtype),
    };

    /// <summary>
    /// The name PyTorch's error messages use for this dtype's scalar type (<c>Float</c>, <c>Double</c>, <c>Long</c>,
    /// <c>Int</c>, <c>Bool</c>, <c>Byte</c>, <c>Half</c>, <c>BFloat16</c>), as in "result type Float can't be cast to the
    /// desired output type Long".
    /// </summary>
    public static string ScalarTypeName(this DType dtype) => dtype switch
    {
        DType.Float32 => "Float",
        DType.Float64 => "Double",
        DType.Int64 => "Long",
        DType.Int32 => "Int",
        DType.Bool => "Bool",
        DType.UInt8 => "Byte",
        DType.Float16 => "Half",
        DType.BFloat16 => "BFloat16",
        _ => throw Unknown(dtype),
    };

    /// <summary>Whether the dtype is a floating-point type (PyTorch's <c>dtype.is_floating_point</c>).</summary>
    public static bool IsFloatingPoint(this DType dtype) =>
        dtype is DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16;

    /// <summary>Whether the dtype is an integer type; <paramref name="includeBool"/> counts Bool as one (PyTorch's <c>isIntegralType</c>).</summary>
    public static bool IsIntegral(this DType dtype, bool includeBool = false) =>
        dtype is DType.Int64 or DType.Int32 or DType.UInt8 || (includeBool && dtype == DType.Bool);

    /// <summary>The .NET element type that holds one element of this dtype (<see cref="MiniTorch.BFloat16"/> for BFloat16).</summary>
    public static Type ElementType(this DType dtype) => dtype switch
    {
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        DType.Int64 => typeof(long),
        DType.Int32 => typeof(int),
        DType.Bool => typeof(bool),
        DType.UInt8 => typeof(byte),
        DType.Float16 => typeof(Half),
        DType.BFloat16 => typeof(BFloat16),
        _ => throw Unknown(dtype),
    };

    /// <summary>The dtype whose elements are <typeparamref name="T"/>; throws for a type no dtype uses.</summary>
    public static DType DTypeOf<T>() where T : unmanaged => ElementTypes<T>.DType;

    private static ArgumentOutOfRangeException Unknown(DType dtype) =>
        new(nameof(dtype), dtype, $"DType: {(int)dtype} is not a MiniTorch dtype.");

    private static class ElementTypes<T> where T : unmanaged
    {
        public static readonly DType DType =
            typeof(T) == typeof(float) ? DType.Float32
            : typeof(T) == typeof(double) ? DType.Float64
            : typeof(T) == typeof(long) ? DType.Int64
            : typeof(T) == typeof(int) ? DType.Int32
            : typeof(T) == typeof(bool) ? DType.Bool
            : typeof(T) == typeof(byte) ? DType.UInt8
            : typeof(T) == typeof(Half) ? DType.Float16
            : typeof(T) == typeof(BFloat16) ? DType.BFloat16
            : throw new NotSupportedException($"DType: {typeof(T).Name} is not the element type of any MiniTorch dtype (float, double, long, int, bool, byte, Half, BFloat16).");
    }
}
