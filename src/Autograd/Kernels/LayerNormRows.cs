using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// The elementwise stretches of <see cref="LayerNormKernel"/>'s row loops, each one vector pass instead of two to four
/// span primitives over a row of typically 128 to 1024 elements (where each call's overhead rivals its work). Every
/// element takes the same IEEE operations, in the same order, as the span primitives did, so results are unchanged.
/// </summary>
internal static class LayerNormRows
{
    /// <summary>y = ((c / s)·w) + b, with w and b optional (empty).</summary>
    public static void Normalise<T>(ReadOnlySpan<T> c, T s, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (w.IsEmpty || b.IsEmpty)
        {
            // Rare (LayerNorm without affine parameters): the plain steps.
            for (int k = 0; k < c.Length; k++)
            {
                T v = c[k] / s;
                v = w.IsEmpty ? v : v * w[k];
                y[k] = b.IsEmpty ? v : v + b[k];
            }
            return;
        }
        ref T cRef = ref MemoryMarshal.GetReference(c);
        ref T wRef = ref MemoryMarshal.GetReference(w);
        ref T bRef = ref MemoryMarshal.GetReference(b);
        ref T yRef = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var sv = Vector512.Create(s);
            for (; i <= c.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                (Vector512.LoadUnsafe(ref cRef, (nuint)i) / sv * Vector512.LoadUnsafe(ref wRef, (nuint)i) + Vector512.LoadUnsafe(ref bRef, (nuint)i))
                    .StoreUnsafe(ref yRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var sv = Vector256.Create(s);
            for (; i <= c.Length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                (Vector256.LoadUnsafe(ref cRef, (nuint)i) / sv * Vector256.LoadUnsafe(ref wRef, (nuint)i) + Vector256.LoadUnsafe(ref bRef, (nuint)i))
                    .StoreUnsafe(ref yRef, (nuint)i);
            }
        }
        for (; i < c.Length; i++)
        {
            y[i] = c[i] / s * w[i] + b[i];
        }
    }

    /// <summary>
    /// x̂ = (x − μ) / s; g·x̂ into <paramref name="gxhat"/> if not empty; ĝ = g·w (or g if w is empty).
    /// </summary>
    public static void Prepare<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T mu, T s, ReadOnlySpan<T> w, Span<T> xhat, Span<T> gxhat, Span<T> gh)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (w.IsEmpty || gxhat.IsEmpty)
        {
            for (int k = 0; k < x.Length; k++)
            {
                xhat[k] = (x[k] - mu) / s;
                if (!gxhat.IsEmpty)
                {
                    gxhat[k] = g[k] * xhat[k];
                }
                gh[k] = w.IsEmpty ? g[k] : g[k] * w[k];
            }
            return;
        }
        ref T gRef = ref MemoryMarshal.GetReference(g);
        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T wRef = ref MemoryMarshal.GetReference(w);
        ref T hRef = ref MemoryMarshal.GetReference(xhat);
        ref T gxRef = ref MemoryMarshal.GetReference(gxhat);
        ref T ghRef = ref MemoryMarshal.GetReference(gh);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var mv = Vector512.Create(mu);
            var sv = Vector512.Create(s);
            for (; i <= x.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var gv = Vector512.LoadUnsafe(ref gRef, (nuint)i);
                var h = (Vector512.LoadUnsafe(ref xRef, (nuint)i) - mv) / sv;
                h.StoreUnsafe(ref hRef, (nuint)i);
                (gv * h).StoreUnsafe(ref gxRef, (nuint)i);
                (gv * Vector512.LoadUnsafe(ref wRef, (nuint)i)).StoreUnsafe(ref ghRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var mv = Vector256.Create(mu);
            var sv = Vector256.Create(s);
            for (; i <= x.Length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var gv = Vector256.LoadUnsafe(ref gRef, (nuint)i);
                var h = (Vector256.LoadUnsafe(ref xRef, (nuint)i) - mv) / sv;
                h.StoreUnsafe(ref hRef, (nuint)i);
                (gv * h).StoreUnsafe(ref gxRef, (nuint)i);
                (gv * Vector256.LoadUnsafe(ref wRef, (nuint)i)).StoreUnsafe(ref ghRef, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            xhat[i] = (x[i] - mu) / s;
            gxhat[i] = g[i] * xhat[i];
            gh[i] = g[i] * w[i];
        }
    }

    /// <summary>dx = ((ĝ − x̂·mean(ĝx̂)) − mean(ĝ)) / s.</summary>
    public static void Finish<T>(ReadOnlySpan<T> gh, ReadOnlySpan<T> xhat, T meanG, T meanGx, T s, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T ghRef = ref MemoryMarshal.GetReference(gh);
        ref T hRef = ref MemoryMarshal.GetReference(xhat);
        ref T dRef = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(meanG);
            var m = Vector512.Create(meanGx);
            var sv = Vector512.Create(s);
            for (; i <= gh.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                ((Vector512.LoadUnsafe(ref ghRef, (nuint)i) - Vector512.LoadUnsafe(ref hRef, (nuint)i) * m - a) / sv).StoreUnsafe(ref dRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(meanG);
            var m = Vector256.Create(meanGx);
            var sv = Vector256.Create(s);
            for (; i <= gh.Length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                ((Vector256.LoadUnsafe(ref ghRef, (nuint)i) - Vector256.LoadUnsafe(ref hRef, (nuint)i) * m - a) / sv).StoreUnsafe(ref dRef, (nuint)i);
            }
        }
        for (; i < gh.Length; i++)
        {
            dx[i] = (gh[i] - xhat[i] * meanGx - meanG) / s;
        }
    }
}
