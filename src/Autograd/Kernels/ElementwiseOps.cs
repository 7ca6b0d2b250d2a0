using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>An elementwise map over contiguous spans. Implemented by structs so calls are specialised, never virtual.</summary>
internal interface IUnaryOp
{
    void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>An elementwise binary op over contiguous spans, with scalar forms for broadcast rows.</summary>
internal interface IBinaryOp
{
    void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>;

    void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>;

    void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>A binary op defined by one scalar function; the span forms loop over it (for ops TensorPrimitives lacks).</summary>
internal interface IScalarBinaryOp
{
    T Apply<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>Adapts an <see cref="IScalarBinaryOp"/> to <see cref="IBinaryOp"/> with plain loops.</summary>
internal readonly struct LoopBinary<TOp> : IBinaryOp where TOp : struct, IScalarBinaryOp
{
    private readonly TOp _op;

    public LoopBinary(TOp op) => _op = op;

    public void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = _op.Apply(x[i], y[i]);
        }
    }

    public void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = _op.Apply(x[i], y);
        }
    }

    public void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = _op.Apply(x, y[i]);
        }
    }
}
