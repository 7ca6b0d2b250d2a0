using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>An elementwise binary op on integers, one scalar function specialised per element type (no delegates).</summary>
internal interface IIntegerBinaryOp
{
    T Apply<T>(T x, T y) where T : unmanaged, IBinaryInteger<T>;
}

/// <summary>An elementwise unary op on integers, one scalar function specialised per element type.</summary>
internal interface IIntegerUnaryOp
{
    T Apply<T>(T x) where T : unmanaged, IBinaryInteger<T>;
}

/// <summary>Adapts an <see cref="IIntegerBinaryOp"/> to the span forms of <see cref="ISpanBinary{T, TOut}"/>.</summary>
internal readonly struct IntegerSpans<T, TOp> : ISpanBinary<T, T>
    where T : unmanaged, IBinaryInteger<T>
    where TOp : struct, IIntegerBinaryOp
{
    private readonly TOp _op;

    public IntegerSpans(TOp op) => _op = op;

    public void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = _op.Apply(x[i], y[i]);
        }
    }

    public void Apply(ReadOnlySpan<T> x, T y, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = _op.Apply(x[i], y);
        }
    }

    public void Apply(T x, ReadOnlySpan<T> y, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = _op.Apply(x, y[i]);
        }
    }
}

/// <summary>
/// Integer and bool elementwise kernels: Int64, Int32 and UInt8 directly; Bool computed as UInt8 (0/1) and turned back
/// into Bool by value != 0, which gives PyTorch's bool semantics for + (or), · (and), max (or), min (and) and the
/// bitwise ops. Integer arithmetic wraps on overflow, as PyTorch's (two's complement) kernels do.
/// </summary>
internal static class ElementwiseInteger
{
    /// <summary>op(a, b) with broadcasting; <paramref name="a"/> and <paramref name="b"/> share one integer or bool dtype.</summary>
    public static Tensor Map<TOp>(string opName, Tensor a, Tensor b, TOp op) where TOp : struct, IIntegerBinaryOp => a.DType switch
    {
        DType.Int64 => ElementwiseGeneric.Map<long, long, IntegerSpans<long, TOp>>(opName, a, b, DType.Int64, new(op)),
        DType.Int32 => ElementwiseGeneric.Map<int, int, IntegerSpans<int, TOp>>(opName, a, b, DType.Int32, new(op)),
        DType.UInt8 => ElementwiseGeneric.Map<byte, byte, IntegerSpans<byte, TOp>>(opName, a, b, DType.UInt8, new(op)),
        DType.Bool => Convert(Map(opName, Convert(a, DType.UInt8), Convert(b, DType.UInt8), op), DType.Bool),
        _ => throw NotInteger(opName, a.DType),
    };

    /// <summary>op(x) elementwise for an integer or bool tensor.</summary>
    public static Tensor Map<TOp>(string opName, Tensor x, TOp op) where TOp : struct, IIntegerUnaryOp
    {
        switch (x.DType)
        {
            case DType.Int64: return Unary<long, TOp>(x, op);
            case DType.Int32: return Unary<int, TOp>(x, op);
            case DType.UInt8: return Unary<byte, TOp>(x, op);
            case DType.Bool: return Convert(Map(opName, Convert(x, DType.UInt8), op), DType.Bool);
            default: throw NotInteger(opName, x.DType);
        }
    }

    private static Tensor Unary<T, TOp>(Tensor x, TOp op) where T : unmanaged, IBinaryInteger<T> where TOp : struct, IIntegerUnaryOp
    {
        var src = x.ContiguousRaw();
        var y = Tensor.Empty(x.ShapeArray, x.DType);
        ReadOnlySpan<T> s = src.ContiguousSpan<T>();
        Span<T> d = y.ContiguousSpan<T>();
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = op.Apply(s[i]);
        }
        return y;
    }

    /// <summary>A contiguous copy of <paramref name="x"/> converted to <paramref name="dtype"/>, with no history.</summary>
    public static Tensor Convert(Tensor x, DType dtype)
    {
        if (x.DType == dtype)
        {
            return x;
        }
        var src = x.ContiguousRaw();
        var r = Tensor.Empty(x.ShapeArray, dtype);
        DTypeConvert.Convert(src, r);
        return r;
    }

    private static NotSupportedException NotInteger(string op, DType dtype) =>
        new($"{op}: the integer kernel got a tensor of dtype {dtype}; this is a bug in MiniTorch's dtype dispatch.");
}

internal readonly struct IntAddOp : IIntegerBinaryOp
{
    public T Apply<T>(T x, T y) where T : unmanaged, IBinaryInteger<T> => unchecked(x + y);
}

internal readonly struct IntSubOp : IIntegerBinaryOp
{
    public T Apply<T>(T x, T y) where T : unmanaged, IBinaryInteger<T> => unchecked(x - y);
}

internal readonly struct IntMulOp : IIntegerBinaryOp
{
    public T Apply<T>(T x, T y) where T : unmanaged, IBinaryInteger<T> => unchecked(x * y);
}

/// <summary>Python's floor division: the quotient rounded toward −∞ (PyTorch's <c>floor_divide</c> on integers).</summary>
internal readonly struct IntFloorDivideOp : IIntegerBinaryOp
{
    public T Apply<T>(T x, T y) where T : unmanaged, IBinaryInteger<T>
    {
        if (y == T.Zero)
        {
            throw new DivideByZeroException();
        }
        if (T.IsNegative(y) && y == unchecked(T.Zero - T.One))
        {
            // x / −1 overflows .NET's division for the minimum value; PyTorch's result wraps to it.
            return unchecked(T.Zero - x);
        }
        T q = x / y;
        if (T.IsNegative(x) != T.IsNegative(y) && q * y != x)
        {
            q--;
        }
        return q;
    }
}

/// <summary>Python's remainder: the sign of the divisor (PyTorch's <c>remainder</c> on integers).</summary>
internal readonly struct IntRemainderOp : IIntegerBinaryOp
{
    public T Apply<T>(T x, T y) where T : unmanaged, IBinaryInteger<T>
    {
        if (y == T.Zero)
        {
            throw new DivideByZeroException();
        }
        if (T.IsNegative(y) && y == unchecked(T.Zero - T.One))
        {
            return T.Zero;
        }
        T r = x % y;
        if (r != T.Zero && T.IsNegative(r) != T.IsNegative(y))
        {
            r = unchecked(r + y);
        }
        return r;
    }
}

/// <summary>xʸ by repeated squaring, wrapping; a negative exponent gives 0 but for bases ±1, as PyTorch's powi.</summary>
internal readonly struct IntPowOp : IIntegerBinaryOp
{
    public T Apply<T>(T x, T y) where T : unmanaged, IBinaryInteger<T>
    {
        if (T.IsNegative(y))
        {
            if (x == T.One)
            {
                return T.One;
            }
            if (T.IsNegative(x) && x == unchecked(T.Zero - T.One))
            {
                return T.IsEvenInteger(y) ? T.One : x;
            }
            return T.Zero;
        }
        T result = T.One;
        T b = x;
        T e = y;
        while (e != T.Zero)
        {
            if (T.IsOddInteger(e))
            {
                result = unchecked(result * b);
            }
            e >>= 1;
            b = unchecked(b * b);
        }
        return result;
    }
}

internal readonly struct IntMaxOp : IIntegerBinaryOp
{
    public T Apply<T>(T x, T y) where T : unmanaged, IBinaryInteger<T> => T.Max(x, y);
}

internal readonly struct IntMinOp : IIntegerBinaryOp
{
    public T Apply<T>(T x, T y) where T : unmanaged, IBinaryInteger<T> => T.Min(x, y);
}

internal readonly struct BitAndOp : IIntegerBinaryOp
{
    public T Apply<T>(T x, T y) where T : unmanaged, IBinaryInteger<T> => x & y;
}

internal readonly struct BitOrOp : IIntegerBinaryOp
{
    public T Apply<T>(T x, T y) where T : unmanaged, IBinaryInteger<T> => x | y;
}

internal readonly struct BitXorOp : IIntegerBinaryOp
{
    public T Apply<T>(T x, T y) where T : unmanaged, IBinaryInteger<T> => x ^ y;
}

internal readonly struct IntNegOp : IIntegerUnaryOp
{
    public T Apply<T>(T x) where T : unmanaged, IBinaryInteger<T> => unchecked(T.Zero - x);
}

internal readonly struct IntAbsOp : IIntegerUnaryOp
{
    // |min value| wraps to itself, as in PyTorch.
    public T Apply<T>(T x) where T : unmanaged, IBinaryInteger<T> => T.IsNegative(x) ? unchecked(T.Zero - x) : x;
}

internal readonly struct IntSignOp : IIntegerUnaryOp
{
    public T Apply<T>(T x) where T : unmanaged, IBinaryInteger<T> =>
        x == T.Zero ? T.Zero : T.IsNegative(x) ? unchecked(T.Zero - T.One) : T.One;
}

internal readonly struct BitNotOp : IIntegerUnaryOp
{
    public T Apply<T>(T x) where T : unmanaged, IBinaryInteger<T> => ~x;
}

/// <summary>Flips a 0/1 byte: logical not of a bool tensor computed as UInt8.</summary>
internal readonly struct BoolNotOp : IIntegerUnaryOp
{
    public T Apply<T>(T x) where T : unmanaged, IBinaryInteger<T> => x == T.Zero ? T.One : T.Zero;
}

/// <summary>Clamps into [min, max] (either bound may be absent); bounds already converted to the tensor's dtype.</summary>
internal readonly struct IntClampOp : IIntegerUnaryOp
{
    private readonly long? _min;
    private readonly long? _max;

    public IntClampOp(long? min, long? max)
    {
        _min = min;
        _max = max;
    }

    public T Apply<T>(T x) where T : unmanaged, IBinaryInteger<T>
    {
        // PyTorch applies the lower bound first, so min > max gives max everywhere.
        if (_min is long lo)
        {
            x = T.Max(x, T.CreateTruncating(lo));
        }
        if (_max is long hi)
        {
            x = T.Min(x, T.CreateTruncating(hi));
        }
        return x;
    }
}
