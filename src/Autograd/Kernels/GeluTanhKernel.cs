using System.Numerics;
using System.Numerics.Tensors;

namespace MiniTorch.Kernels;

/// <summary>
/// The tanh-approximated GELU, y = x·½·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (PyTorch's <c>approximate='tanh'</c>),
/// forward and backward as one pass each over L1-sized blocks. The forward calls the composite's kernels in the
/// composite's order (float32 results bit-identical to it, tested); the backward is the closed form
/// ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715·x²) with t = tanh(inner), within float32 rounding of the composite's
/// gradient (which sums five paths into x).
/// </summary>
internal static class GeluTanhKernel
{
    /// <summary>√(2/π), the composite's scalar.</summary>
    public const double SqrtTwoOverPi = 0.79788456080286535587989211986876373695171726232987;

    /// <summary>The cubic coefficient.</summary>
    public const double Cubic = 0.044715;

    private const int Block = 256;

    /// <summary>y = gelu_tanh(x); <paramref name="tanhTerm"/>, if given, receives tanh(inner) for the backward.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, Span<T> tanhTerm) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T half = T.CreateTruncating(0.5);
        T c = T.CreateTruncating(SqrtTwoOverPi);
        T cubic = T.CreateTruncating(Cubic);
        Span<T> a = stackalloc T[Block];
        Span<T> s = stackalloc T[Block];
        for (int start = 0; start < x.Length; start += Block)
        {
            int n = Math.Min(Block, x.Length - start);
            var xb = x.Slice(start, n);
            var ab = a[..n];
            var sb = s[..n];
            TensorPrimitives.Multiply(xb, xb, ab);         // x·x
            TensorPrimitives.Multiply(ab, xb, ab);         // ·x
            TensorPrimitives.Multiply(ab, cubic, ab);      // ·0.044715
            TensorPrimitives.Add(xb, ab, ab);              // x + …
            TensorPrimitives.Multiply(ab, c, ab);          // inner
            new UnaryOp(UnaryKind.Tanh).Apply<T>(ab, sb);  // tanh(inner)
            if (!tanhTerm.IsEmpty)
            {
                sb.CopyTo(tanhTerm.Slice(start, n));
            }
            TensorPrimitives.Add(sb, T.One, sb);
            TensorPrimitives.Multiply(xb, half, ab);       // x·½
            TensorPrimitives.Multiply(ab, sb, y.Slice(start, n));
        }
    }

    /// <summary>dx = g·(½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715·x²)).</summary>
    public static void Backward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> tanhTerm, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T half = T.CreateTruncating(0.5);
        T c = T.CreateTruncating(SqrtTwoOverPi);
        T cubic3 = T.CreateTruncating(3 * Cubic);
        Span<T> p = stackalloc T[Block];
        Span<T> q = stackalloc T[Block];
        for (int start = 0; start < x.Length; start += Block)
        {
            int n = Math.Min(Block, x.Length - start);
            var xb = x.Slice(start, n);
            var tb = tanhTerm.Slice(start, n);
            var pb = p[..n];
            var qb = q[..n];
            TensorPrimitives.Multiply(xb, xb, pb);
            TensorPrimitives.Multiply(pb, cubic3, pb);
            TensorPrimitives.Add(pb, T.One, pb);                   // 1 + 3·0.044715·x²
            TensorPrimitives.Multiply(pb, c, pb);                  // d inner / dx
            TensorPrimitives.Multiply(tb, tb, qb);
            TensorPrimitives.Subtract(T.One, qb, qb);              // 1 − t²
            TensorPrimitives.Multiply(qb, pb, qb);
            TensorPrimitives.Multiply(qb, xb, qb);                 // x(1 − t²)·inner′
            TensorPrimitives.Add(qb, tb, qb);
            TensorPrimitives.Add(qb, T.One, qb);                   // 1 + t + x(1 − t²)·inner′
            TensorPrimitives.Multiply(qb, half, qb);
            TensorPrimitives.Multiply(g.Slice(start, n), qb, dx.Slice(start, n));
        }
    }
}

/// <summary>A chunk of <see cref="GeluTanhKernel.Forward{T}"/> for <see cref="ParallelElementwise"/>.</summary>
internal readonly struct GeluTanhForwardChunk<T>(T[] x, int xOffset, T[] y, T[]? tanhTerm) : IChunkBody
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Run(int start, int length) =>
        GeluTanhKernel.Forward<T>(x.AsSpan(xOffset + start, length), y.AsSpan(start, length), tanhTerm is null ? default : tanhTerm.AsSpan(start, length));
}

/// <summary>A chunk of <see cref="GeluTanhKernel.Backward{T}"/> for <see cref="ParallelElementwise"/>.</summary>
internal readonly struct GeluTanhBackwardChunk<T>(T[] g, int gOffset, T[] x, int xOffset, T[] tanhTerm, int tanhOffset, T[] dx) : IChunkBody
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Run(int start, int length) =>
        GeluTanhKernel.Backward<T>(g.AsSpan(gOffset + start, length), x.AsSpan(xOffset + start, length),
            tanhTerm.AsSpan(tanhOffset + start, length), dx.AsSpan(start, length));
}
