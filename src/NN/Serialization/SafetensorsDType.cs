namespace MiniTorch.NN;

/// <summary>
/// The safetensors dtype codes MiniTorch reads and writes, and the MiniTorch dtype of each: the names of the format's
/// reference implementation (<c>safetensors.torch</c> maps torch.int64 to <c>I64</c>, torch.bool to <c>BOOL</c>, …).
/// </summary>
internal static class SafetensorsDType
{
    /// <summary>Every supported code, for error messages.</summary>
    public const string Supported = "F32, F64, I64, I32, BOOL, U8, F16, BF16";

    /// <summary>The MiniTorch dtype of a file dtype code, or null for a code MiniTorch does not support.</summary>
    public static DType? FromCode(string code) => code switch
    {
        "F32" => DType.Float32,
        "F64" => DType.Float64,
        "I64" => DType.Int64,
        "I32" => DType.Int32,
        "BOOL" => DType.Bool,
        "U8" => DType.UInt8,
        "F16" => DType.Float16,
        "BF16" => DType.BFloat16,
        _ => null,
    };

    /// <summary>The code a tensor of <paramref name="dtype"/> is written with.</summary>
    public static string ToCode(DType dtype) => dtype switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.Int64 => "I64",
        DType.Int32 => "I32",
        DType.Bool => "BOOL",
        DType.UInt8 => "U8",
        DType.Float16 => "F16",
        DType.BFloat16 => "BF16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Safetensors.Save: {dtype} has no safetensors dtype code."),
    };
}
