using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>Floating floor division as PyTorch's div_floor_floating (Python's <c>//</c> on floats): fmod-based, so that
/// the quotient is exact where a/b rounds across an integer; x // 0 is ±inf or NaN.</summary>
internal readonly struct FloorDivideOp : IScalarBinaryOp
{
    public T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (b == T.Zero)
        {
            return a / b;
        }
        T mod = a % b;
        T div = (a - mod) / b;
        if (mod != T.Zero && T.IsNegative(b) != T.IsNegative(mod))
        {
            div -= T.One;
        }
        if (div == T.Zero)
        {
            return T.CopySign(T.Zero, a / b);
        }
        T floor = T.Floor(div);
        return div - floor > T.CreateTruncating(0.5) ? floor + T.One : floor;
    }
}

/// <summary>Floating remainder with the divisor's sign, as PyTorch's <c>remainder</c> (Python's <c>%</c>).</summary>
internal readonly struct RemainderOp : IScalarBinaryOp
{
    public T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T mod = a % b;
        if (mod != T.Zero && T.IsNegative(b) != T.IsNegative(mod))
        {
            mod += b;
        }
        return mod;
    }
}
