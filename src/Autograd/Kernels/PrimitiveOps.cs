using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MiniTorch.Kernels;

// Span forms of the elementwise ops, each a struct so the generic kernels are specialised per op.
// TensorPrimitives does the SIMD work; PyTorch's NaN propagation holds for Max/Min.

internal readonly struct AddOp : IBinaryOp
{
    public void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(x, y, d);
    public void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(x, y, d);
    public void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(y, x, d);
}

internal readonly struct SubOp : IBinaryOp
{
    public void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(x, y, d);
    public void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(x, y, d);
    public void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(x, y, d);
}

internal readonly struct MulOp : IBinaryOp
{
    public void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(x, y, d);
    public void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(x, y, d);
    public void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(y, x, d);
}

internal readonly struct DivOp : IBinaryOp
{
    public void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(x, y, d);
    public void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(x, y, d);
    public void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(x, y, d);
}

internal readonly struct PowOp : IBinaryOp
{
    public void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(x, y, d);
    public void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // As PyTorch's pow kernel does, the common exponents skip the scalar libm pow (TensorPrimitives.Pow is not
        // vectorised: ~20 ns per element, which made (Xw − y)² cost more than Xw). Exact: x¹ is x, and x·x is the
        // correctly rounded x², as pow's result is, for every x including ±0, ±∞ and NaN.
        if (y == T.One)
        {
            x.CopyTo(d);
        }
        else if (y == T.CreateTruncating(2))
        {
            TensorPrimitives.Multiply(x, x, d);
        }
        else
        {
            TensorPrimitives.Pow(x, y, d);
        }
    }
    public void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(x, y, d);
}

internal readonly struct MaxOp : IBinaryOp
{
    public void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, y, d);
    public void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, y, d);
    public void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(y, x, d);
}

internal readonly struct MinOp : IBinaryOp
{
    public void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(x, y, d);
    public void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(x, y, d);
    public void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(y, x, d);
}

/// <summary>Unary maps: the kind picks the TensorPrimitives routine; one switch per call, not per element.</summary>
internal enum UnaryKind
{
    Neg,
    Exp,
    Log,
    Sqrt,
    Abs,
    Sin,
    Cos,
    Tanh,
    Sigmoid,
    Sign,
}

internal readonly struct UnaryOp : IUnaryOp
{
    private readonly UnaryKind _kind;

    public UnaryOp(UnaryKind kind) => _kind = kind;

    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (_kind)
        {
            case UnaryKind.Neg: TensorPrimitives.Negate(x, y); break;
            case UnaryKind.Exp:
                // float32: the polynomial kernel (1 ulp, about SLEEF's speed); float64 keeps TensorPrimitives.
                if (typeof(T) == typeof(float))
                {
                    Float32Math.Exp(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
                    break;
                }
                TensorPrimitives.Exp(x, y);
                break;
            case UnaryKind.Log: TensorPrimitives.Log(x, y); break;
            case UnaryKind.Sqrt: TensorPrimitives.Sqrt(x, y); break;
            case UnaryKind.Abs: TensorPrimitives.Abs(x, y); break;
            case UnaryKind.Sin: TensorPrimitives.Sin(x, y); break;
            case UnaryKind.Cos: TensorPrimitives.Cos(x, y); break;
            case UnaryKind.Tanh:
                // Not TensorPrimitives.Tanh: in System.Numerics.Tensors 11.0.0 its vector path loses relative
                // precision near 0 (float32: tanh(0) = -5.96e-8 and ~70 ulp at |x| = 1; float64: tanh(0) = -0,
                // 1e-3 relative error at 1e-12). float32 goes through the float32 polynomial kernel (within 1 ulp
                // on the test's sweep); float64 uses the scalar libm tanh.
                if (typeof(T) == typeof(float))
                {
                    Float32Math.Tanh(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
                    break;
                }
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = T.Tanh(x[i]);
                }
                break;
            case UnaryKind.Sigmoid: TensorPrimitives.Sigmoid(x, y); break;
            case UnaryKind.Sign:
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = T.IsNaN(x[i]) ? x[i] : T.CreateTruncating(T.Sign(x[i]));
                }
                break;
        }
    }
}

/// <summary>y = x ∘ s for a scalar s, with the scalar on either side.</summary>
internal readonly struct ScalarOp<TOp> : IUnaryOp where TOp : struct, IBinaryOp
{
    private readonly double _scalar;
    private readonly bool _scalarFirst;

    public ScalarOp(double scalar, bool scalarFirst = false)
    {
        _scalar = scalar;
        _scalarFirst = scalarFirst;
    }

    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s = T.CreateTruncating(_scalar);
        if (_scalarFirst)
        {
            default(TOp).Apply(s, x, y);
        }
        else
        {
            default(TOp).Apply(x, s, y);
        }
    }
}

/// <summary>Clamps into [min, max]; either bound may be absent (NaN stands for absent). NaN inputs stay NaN, as in PyTorch.</summary>
internal readonly struct ClampOp : IUnaryOp
{
    private readonly double _min;
    private readonly double _max;

    public ClampOp(double min, double max)
    {
        _min = min;
        _max = max;
    }

    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> src = x;
        if (!double.IsNaN(_min))
        {
            TensorPrimitives.Max(src, T.CreateTruncating(_min), y);
            src = y;
        }
        if (!double.IsNaN(_max))
        {
            TensorPrimitives.Min(src, T.CreateTruncating(_max), y);
            src = y;
        }
        if (src != y)
        {
            x.CopyTo(y);
        }
    }
}

/// <summary>LeakyReLU: x where x &gt; 0, slope·x elsewhere.</summary>
internal readonly struct LeakyReluOp : IUnaryOp
{
    private readonly double _slope;

    public LeakyReluOp(double slope) => _slope = slope;

    public void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T slope = T.CreateTruncating(_slope);
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i] > T.Zero ? x[i] : x[i] * slope;
        }
    }
}
