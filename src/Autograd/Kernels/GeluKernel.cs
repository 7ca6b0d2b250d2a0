using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    [SkipLocalsInit]
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, Span<T> erfTerm) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated)
        {
            ForwardFloat32(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y), MemoryMarshal.Cast<T, float>(erfTerm));
            return;
        }
        ForwardBlocks(x, y, erfTerm);
    }

    /// <summary>The forward as the composite's kernel calls on L1-sized blocks.</summary>
    [SkipLocalsInit]
    internal static void ForwardBlocks<T>(ReadOnlySpan<T> x, Span<T> y, Span<T> erfTerm) where T : unmanaged, IFloatingPointIeee754<T>
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
    /// The float32 forward in one pass of vectors: the composite's float32 operations (x·½, x·(float)(1/√2), + 1, the
    /// product; each one rounding as the span primitive does) around <see cref="ErfFloat32"/>'s erf, which rounds as
    /// <c>(float)ErfOp.Erf</c>: bit-identical to the composite, without the blocks' five passes and float64 buffer.
    /// </summary>
    [SkipLocalsInit]
    internal static void ForwardFloat32(ReadOnlySpan<float> x, Span<float> y, Span<float> erfTerm)
    {
        Span<double> scratch = stackalloc double[8];
        ref double s = ref scratch[0];
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        ref float termRef = ref MemoryMarshal.GetReference(erfTerm);
        bool keep = !erfTerm.IsEmpty;
        float c = (float)InvSqrt2;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= x.Length - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref xRef, (nuint)i);
                var sum = ErfFloat32.Erf(v * Vector512.Create(c), ref s) + Vector512<float>.One;
                if (keep)
                {
                    sum.StoreUnsafe(ref termRef, (nuint)i);
                }
                ((v * Vector512.Create(0.5f)) * sum).StoreUnsafe(ref yRef, (nuint)i);
            }
        }
        else
        {
            for (; i <= x.Length - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref xRef, (nuint)i);
                var sum = ErfFloat32.Erf(v * Vector256.Create(c), ref s) + Vector256<float>.One;
                if (keep)
                {
                    sum.StoreUnsafe(ref termRef, (nuint)i);
                }
                ((v * Vector256.Create(0.5f)) * sum).StoreUnsafe(ref yRef, (nuint)i);
            }
        }
        if (i < x.Length)
        {
            ForwardBlocks<float>(x[i..], y[i..], keep ? erfTerm[i..] : default);
        }
    }

    /// <summary>
    /// dx = g·s·½ + g·(x·½)·e^(−u²)·2/√π·(1/√2) with u = x/√2 and s = 1 + erf(u) from the forward: the composite's
    /// backward (the product rule through x·½·s, then erf's derivative, then the two scalings), summed as the
    /// engine sums the two paths into x.
    /// </summary>
    [SkipLocalsInit]
    public static void Backward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> erfTerm, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T half = T.CreateTruncating(0.5);
        T c = T.CreateTruncating(InvSqrt2);
        T scale = T.CreateTruncating(TwoOverSqrtPi);
        Span<T> e = stackalloc T[Block];
        for (int start = 0; start < x.Length; start += Block)
        {
            int n = Math.Min(Block, x.Length - start);
            var xb = x.Slice(start, n);
            var eb = e[..n];
            NegatedSquares(xb, c, eb);                     // −u², u = x/√2
            new UnaryOp(UnaryKind.Exp).Apply<T>(eb, eb);   // e^(−u²)
            Combine(g.Slice(start, n), xb, erfTerm.Slice(start, n), eb, dx.Slice(start, n), half, c, scale);
        }
    }

    /// <summary>e = −((x·c)·(x·c)), rounding as the composite's multiply, square and negate.</summary>
    private static void NegatedSquares<T>(ReadOnlySpan<T> x, T c, Span<T> e) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T eRef = ref MemoryMarshal.GetReference(e);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var cv = Vector512.Create(c);
            for (; i <= x.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var u = Vector512.LoadUnsafe(ref xRef, (nuint)i) * cv;
                (-(u * u)).StoreUnsafe(ref eRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var cv = Vector256.Create(c);
            for (; i <= x.Length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var u = Vector256.LoadUnsafe(ref xRef, (nuint)i) * cv;
                (-(u * u)).StoreUnsafe(ref eRef, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            T u = x[i] * c;
            e[i] = -(u * u);
        }
    }

    /// <summary>
    /// dx = (g·s)·½ + (((g·(x·½))·e)·scale)·c, each product rounded as the composite's span multiply and the two paths
    /// summed as the engine sums them.
    /// </summary>
    private static void Combine<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> s, ReadOnlySpan<T> e, Span<T> dx, T half, T c, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T gRef = ref MemoryMarshal.GetReference(g);
        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T sRef = ref MemoryMarshal.GetReference(s);
        ref T eRef = ref MemoryMarshal.GetReference(e);
        ref T dRef = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var hv = Vector512.Create(half);
            var cv = Vector512.Create(c);
            var sv = Vector512.Create(scale);
            for (; i <= x.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var gv = Vector512.LoadUnsafe(ref gRef, (nuint)i);
                var t = gv * (Vector512.LoadUnsafe(ref xRef, (nuint)i) * hv) * Vector512.LoadUnsafe(ref eRef, (nuint)i) * sv * cv;
                (gv * Vector512.LoadUnsafe(ref sRef, (nuint)i) * hv + t).StoreUnsafe(ref dRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var hv = Vector256.Create(half);
            var cv = Vector256.Create(c);
            var sv = Vector256.Create(scale);
            for (; i <= x.Length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var gv = Vector256.LoadUnsafe(ref gRef, (nuint)i);
                var t = gv * (Vector256.LoadUnsafe(ref xRef, (nuint)i) * hv) * Vector256.LoadUnsafe(ref eRef, (nuint)i) * sv * cv;
                (gv * Vector256.LoadUnsafe(ref sRef, (nuint)i) * hv + t).StoreUnsafe(ref dRef, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            T t = g[i] * (x[i] * half) * e[i] * scale * c;
            dx[i] = g[i] * s[i] * half + t;
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
