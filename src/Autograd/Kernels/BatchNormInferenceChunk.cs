using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// Evaluation-mode batch norm of a contiguous (N, C, *) input in one pass: y = ((x − mean) / denominator) · weight +
/// bias per channel, with the channel's four values in registers. The same IEEE operations in the same order on each
/// element as the composite's four broadcast ops (a subtraction, a division, a multiplication, an addition, each
/// rounded: no fused multiply-add), so the output is bit-identical to theirs at every vector width.
/// </summary>
internal readonly struct BatchNormInferenceChunk<T> : IChunkBody
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _x, _y, _mean, _denominator;
    private readonly T[]? _weight, _bias;
    private readonly int _xOffset, _channels, _inner;

    /// <summary>
    /// <paramref name="x"/> holds N·C·<paramref name="inner"/> elements from <paramref name="xOffset"/>,
    /// <paramref name="y"/> from 0; the channel vectors hold C each from 0; <paramref name="weight"/> and
    /// <paramref name="bias"/> may be absent.
    /// </summary>
    public BatchNormInferenceChunk(T[] x, int xOffset, T[] y, T[] mean, T[] denominator, T[]? weight, T[]? bias, int channels, int inner)
    {
        (_x, _y, _mean, _denominator, _weight, _bias) = (x, y, mean, denominator, weight, bias);
        (_xOffset, _channels, _inner) = (xOffset, channels, inner);
    }

    /// <summary>Elements [start, start + length), which may begin and end inside a plane of one sample's channel.</summary>
    public void Run(int start, int length)
    {
        // Bounds checked once here (an array given back to the pool is empty, so a stale call fails instead of reading
        // another tensor's values); the loops below index within these spans.
        var x = _x.AsSpan(_xOffset + start, length);
        var y = _y.AsSpan(start, length);
        int plane = start / _inner;
        for (int i = 0; i < length; plane++)
        {
            int planeEnd = Math.Min(length, (plane + 1) * _inner - start);
            int c = plane % _channels;
            T m = _mean[c], s = _denominator[c];
            T w = _weight is null ? T.One : _weight[c], b = _bias is null ? T.Zero : _bias[c];
            ReadOnlySpan<T> xs = x[i..planeEnd];
            Span<T> ys = y[i..planeEnd];
            if (_weight is null)
            {
                if (_bias is null)
                {
                    Normalize<Affine.None>(xs, ys, m, s, w, b);
                }
                else
                {
                    Normalize<Affine.Bias>(xs, ys, m, s, w, b);
                }
            }
            else if (_bias is null)
            {
                Normalize<Affine.Weight>(xs, ys, m, s, w, b);
            }
            else
            {
                Normalize<Affine.Both>(xs, ys, m, s, w, b);
            }
            i = planeEnd;
        }
    }

    private static void Normalize<TAffine>(ReadOnlySpan<T> xs, Span<T> ys, T m, T s, T w, T b)
        where TAffine : struct, Affine.IKind
    {
        ref T x = ref MemoryMarshal.GetReference(xs);
        ref T y = ref MemoryMarshal.GetReference(ys);
        int i = 0, end = xs.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            var (vm, vs, vw, vb) = (Vector512.Create(m), Vector512.Create(s), Vector512.Create(w), Vector512.Create(b));
            for (; i <= end - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var v = (Vector512.LoadUnsafe(ref x, (nuint)i) - vm) / vs;
                v = TAffine.HasWeight ? v * vw : v;
                v = TAffine.HasBias ? v + vb : v;
                v.StoreUnsafe(ref y, (nuint)i);
            }
        }
        else if (Vector.IsHardwareAccelerated)
        {
            // Vector<T>: 256 bits with AVX2, 128 with SSE or Arm's AdvSIMD.
            var (vm, vs, vw, vb) = (new Vector<T>(m), new Vector<T>(s), new Vector<T>(w), new Vector<T>(b));
            for (; i <= end - Vector<T>.Count; i += Vector<T>.Count)
            {
                var v = (Vector.LoadUnsafe(ref x, (nuint)i) - vm) / vs;
                v = TAffine.HasWeight ? v * vw : v;
                v = TAffine.HasBias ? v + vb : v;
                v.StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < end; i++)
        {
            T v = (Unsafe.Add(ref x, i) - m) / s;
            v = TAffine.HasWeight ? v * w : v;
            Unsafe.Add(ref y, i) = TAffine.HasBias ? v + b : v;
        }
    }

    /// <summary>Which of weight and bias apply, as type parameters, so each loop has no per-element branch.</summary>
    private static class Affine
    {
        public interface IKind
        {
            static abstract bool HasWeight { get; }

            static abstract bool HasBias { get; }
        }

        public struct None : IKind
        {
            public static bool HasWeight => false;

            public static bool HasBias => false;
        }

        public struct Weight : IKind
        {
            public static bool HasWeight => true;

            public static bool HasBias => false;
        }

        public struct Bias : IKind
        {
            public static bool HasWeight => false;

            public static bool HasBias => true;
        }

        public struct Both : IKind
        {
            public static bool HasWeight => true;

            public static bool HasBias => true;
        }
    }
}
