using System.Runtime.CompilerServices;

namespace MiniTorch.Kernels;

/// <summary>
/// Element conversions between every pair of dtypes, with PyTorch's rules: floating to integer truncates toward zero,
/// anything to Bool is <c>value != 0</c>, Bool to a number is 0 or 1, integer to integer wraps (two's complement),
/// Float16 goes through .NET's <see cref="Half"/> and BFloat16 through <see cref="BFloat16"/> (round to nearest even),
/// both rounding from float32 as c10's conversions do.
/// </summary>
/// <remarks>
/// Integer and bool sources are read as <see cref="long"/> (exact), floating sources as <see cref="double"/> (exact for
/// all four floating dtypes), so no 64-bit integer is rounded through a double on its way to another integer type.
/// The generic methods are specialised per element type by the JIT, so the <c>typeof</c> tests fold away.
/// </remarks>
internal static class DTypeConvert
{
    /// <summary>Converts the elements of contiguous <paramref name="src"/> into contiguous <paramref name="dst"/> (same numel).</summary>
    public static void Convert(Tensor src, Tensor dst)
    {
        switch (src.DType)
        {
            case DType.Float32: From<float>(src, dst); break;
            case DType.Float64: From<double>(src, dst); break;
            case DType.Int64: From<long>(src, dst); break;
            case DType.Int32: From<int>(src, dst); break;
            case DType.Bool: From<bool>(src, dst); break;
            case DType.UInt8: From<byte>(src, dst); break;
            case DType.Float16: From<Half>(src, dst); break;
            case DType.BFloat16: From<BFloat16>(src, dst); break;
            default: throw Unknown(src.DType);
        }
    }

    private static void From<TS>(Tensor src, Tensor dst) where TS : unmanaged
    {
        ReadOnlySpan<TS> s = src.ContiguousSpan<TS>();
        switch (dst.DType)
        {
            case DType.Float32: Run(s, dst.ContiguousSpan<float>()); break;
            case DType.Float64: Run(s, dst.ContiguousSpan<double>()); break;
            case DType.Int64: Run(s, dst.ContiguousSpan<long>()); break;
            case DType.Int32: Run(s, dst.ContiguousSpan<int>()); break;
            case DType.Bool: Run(s, dst.ContiguousSpan<bool>()); break;
            case DType.UInt8: Run(s, dst.ContiguousSpan<byte>()); break;
            case DType.Float16: Run(s, dst.ContiguousSpan<Half>()); break;
            case DType.BFloat16: Run(s, dst.ContiguousSpan<BFloat16>()); break;
            default: throw Unknown(dst.DType);
        }
    }

    /// <summary>Converts <paramref name="s"/> into <paramref name="d"/> element by element.</summary>
    public static void Run<TS, TD>(ReadOnlySpan<TS> s, Span<TD> d) where TS : unmanaged where TD : unmanaged
    {
        if (typeof(TS) == typeof(TD))
        {
            System.Runtime.InteropServices.MemoryMarshal.Cast<TS, TD>(s).CopyTo(d);
            return;
        }
        if (IsExactInLong<TS>())
        {
            for (int i = 0; i < s.Length; i++)
            {
                d[i] = FromLong<TD>(ReadLong(s[i]));
            }
        }
        else
        {
            for (int i = 0; i < s.Length; i++)
            {
                d[i] = FromDouble<TD>(ReadDouble(s[i]));
            }
        }
    }

    /// <summary>Whether <typeparamref name="T"/> is an integer or bool element type (read exactly as a long).</summary>
    public static bool IsExactInLong<T>() =>
        typeof(T) == typeof(long) || typeof(T) == typeof(int) || typeof(T) == typeof(bool) || typeof(T) == typeof(byte);

    /// <summary>An integer or bool element as a long (bool as 0 or 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ReadLong<T>(T v)
    {
        if (typeof(T) == typeof(long)) { return Unsafe.As<T, long>(ref v); }
        if (typeof(T) == typeof(int)) { return Unsafe.As<T, int>(ref v); }
        if (typeof(T) == typeof(bool)) { return Unsafe.As<T, byte>(ref v) != 0 ? 1 : 0; }
        if (typeof(T) == typeof(byte)) { return Unsafe.As<T, byte>(ref v); }
        return (long)ReadDouble(v);
    }

    /// <summary>Any element as a double (exact but for integers beyond 2^53).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ReadDouble<T>(T v)
    {
        if (typeof(T) == typeof(float)) { return Unsafe.As<T, float>(ref v); }
        if (typeof(T) == typeof(double)) { return Unsafe.As<T, double>(ref v); }
        if (typeof(T) == typeof(Half)) { return (double)Unsafe.As<T, Half>(ref v); }
        if (typeof(T) == typeof(BFloat16)) { return Unsafe.As<T, BFloat16>(ref v); }
        return ReadLong(v);
    }

    /// <summary>A long converted to <typeparamref name="T"/>: integers wrap, Bool is value != 0, floats round to nearest.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromLong<T>(long v)
    {
        if (typeof(T) == typeof(long)) { return Unsafe.As<long, T>(ref v); }
        if (typeof(T) == typeof(int)) { int x = unchecked((int)v); return Unsafe.As<int, T>(ref x); }
        if (typeof(T) == typeof(bool)) { bool x = v != 0; return Unsafe.As<bool, T>(ref x); }
        if (typeof(T) == typeof(byte)) { byte x = unchecked((byte)v); return Unsafe.As<byte, T>(ref x); }
        if (typeof(T) == typeof(float)) { float x = v; return Unsafe.As<float, T>(ref x); }
        if (typeof(T) == typeof(double)) { double x = v; return Unsafe.As<double, T>(ref x); }
        if (typeof(T) == typeof(Half)) { Half x = (Half)(float)v; return Unsafe.As<Half, T>(ref x); }
        if (typeof(T) == typeof(BFloat16)) { BFloat16 x = (BFloat16)(float)v; return Unsafe.As<BFloat16, T>(ref x); }
        throw new NotSupportedException($"To: {typeof(T).Name} is not a MiniTorch element type.");
    }

    /// <summary>A double converted to <typeparamref name="T"/>: integers truncate toward zero (wrapping as C++'s cast on x86), Bool is value != 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromDouble<T>(double v)
    {
        if (typeof(T) == typeof(float)) { float x = (float)v; return Unsafe.As<float, T>(ref x); }
        if (typeof(T) == typeof(double)) { return Unsafe.As<double, T>(ref v); }
        if (typeof(T) == typeof(Half)) { Half x = (Half)(float)v; return Unsafe.As<Half, T>(ref x); }
        if (typeof(T) == typeof(BFloat16)) { BFloat16 x = (BFloat16)(float)v; return Unsafe.As<BFloat16, T>(ref x); }
        if (typeof(T) == typeof(bool)) { bool x = v != 0; return Unsafe.As<bool, T>(ref x); }
        if (typeof(T) == typeof(int)) { int x = (int)v; return Unsafe.As<int, T>(ref x); }
        // Narrow integer targets go through long, so -1.0 becomes 255 as a uint8, as PyTorch gives on x86.
        return FromLong<T>((long)v);
    }

    private static ArgumentOutOfRangeException Unknown(DType dtype) =>
        new(nameof(dtype), dtype, $"To: {(int)dtype} is not a MiniTorch dtype.");
}
