using System.Numerics;
using System.Numerics.Tensors;

namespace MiniTorch.Kernels;

/// <summary>
/// The exact GELU, y = x·½·(1 + erf(x/√2)), and its backward as one pass each over L1-sized blocks, instead of the
/// composite's five forward and eleven backward tensor ops (each a pass over memory and a temporary). Every step
/// is the composite's own kernel call on the block (the same span primitives, <see cref="ErfOp"/>, the float32 exp
/// kernel) in the composite's order, and each of those computes an element independently of its position, so float32
/// results are bit-identical to the composite's (a test checks it); float64 ones too, except where
/// <c>TensorPrimitives.Exp</c>'s float64 vector and scalar-tail paths round differently (within an ulp).
/// </summary>
internal static class GeluKernel
{
    /// <summary>1/√2 as the composite's scalar operand.</summary>
    public const double InvSqrt2 = 0.70710678118654752440084436210484903928483593768847;

    /// <summary>2/√π, the scale of erf's derivative.</summary>
    public const double TwoOverSqrtPi = 1.1283791670955125738961589031215451716881012586580;

    private const int Block = 256;

    /// <summary>y = gelu(x); <paramref name="erfTerm"/>, if given, receives 1 + erf(x/√2), which the backward reuses.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, Span<T> erfTerm) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T half = T.CreateTruncating(0.5);
        T c = T.CreateTruncating(InvSqrt2);
        Span<T> a = stackalloc T[Block];
        Span<T> s = stackalloc T[Block];
        for (int start = 0; start < x.Length; start += Block)
        {
            int n = Math.Min(Block, x.Length - start);
            var xb = x.Slice(start, n);
            var ab = a[..n];
            var sb = erfTerm.IsEmpty ? s[..n] : erfTerm.Slice(start, n);
            TensorPrimitives.Multiply(xb, half, ab);       // x·½
            TensorPrimitives.Multiply(xb, c, sb);          // u = x/√2
            default(ErfOp).Apply<T>(sb, sb);               // erf(u)
            TensorPrimitives.Add(sb, T.One, sb);           // s = erf(u) + 1
            TensorPrimitives.Multiply(ab, sb, y.Slice(start, n));
        }
    }

    /// <summary>
    /// dx = g·s·½ + g·(x·½)·e^(−u²)·2/√π·(1/√2) with u = x/√2 and s = 1 + erf(u) from the forward: the composite's
    /// backward (the product rule through x·½·s, then erf's derivative, then the two scalings), summed as the
    /// engine sums the two paths into x.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> erfTerm, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T half = T.CreateTruncating(0.5);
        T c = T.CreateTruncating(InvSqrt2);
        T scale = T.CreateTruncating(TwoOverSqrtPi);
        Span<T> e = stackalloc T[Block];
        Span<T> t = stackalloc T[Block];
        for (int start = 0; start < x.Length; start += Block)
        {
            int n = Math.Min(Block, x.Length - start);
            var xb = x.Slice(start, n);
            var gb = g.Slice(start, n);
            var eb = e[..n];
            var tb = t[..n];
            var db = dx.Slice(start, n);
            TensorPrimitives.Multiply(xb, c, eb);          // u
            TensorPrimitives.Multiply(eb, eb, eb);         // u²
            TensorPrimitives.Negate(eb, eb);
            new UnaryOp(UnaryKind.Exp).Apply<T>(eb, eb);   // e^(−u²)
            TensorPrimitives.Multiply(xb, half, tb);       // a = x·½
            TensorPrimitives.Multiply(gb, tb, tb);         // g·a: the gradient reaching erf(u) + 1
            TensorPrimitives.Multiply(tb, eb, tb);
            TensorPrimitives.Multiply(tb, scale, tb);      // … through erf
            TensorPrimitives.Multiply(tb, c, tb);          // … through u = x/√2
            TensorPrimitives.Multiply(gb, erfTerm.Slice(start, n), eb);
            TensorPrimitives.Multiply(eb, half, eb);       // g·s·½, through a = x·½
            TensorPrimitives.Add(eb, tb, db);
        }
    }
}

/// <summary>A chunk of <see cref="GeluKernel.Forward{T}"/> for <see cref="ParallelElementwise"/>.</summary>
internal readonly struct GeluForwardChunk<T>(T[] x, int xOffset, T[] y, T[]? erfTerm) : IChunkBody
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Run(int start, int length) =>
        GeluKernel.Forward<T>(x.AsSpan(xOffset + start, length), y.AsSpan(start, length), erfTerm is null ? default : erfTerm.AsSpan(start, length));
}

/// <summary>A chunk of <see cref="GeluKernel.Backward{T}"/> for <see cref="ParallelElementwise"/>.</summary>
internal readonly struct GeluBackwardChunk<T>(T[] g, int gOffset, T[] x, int xOffset, T[] erfTerm, int erfOffset, T[] dx) : IChunkBody
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Run(int start, int length) =>
        GeluKernel.Backward<T>(g.AsSpan(gOffset + start, length), x.AsSpan(xOffset + start, length),
            erfTerm.AsSpan(erfOffset + start, length), dx.AsSpan(start, length));
}
