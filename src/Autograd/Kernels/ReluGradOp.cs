using System.Numerics;
using System.Runtime.InteropServices;

namespace MiniTorch.Kernels;

/// <summary>
/// ReLU's backward in one pass, g where y &gt; 0 and g·0 elsewhere, without materialising the 0/1 mask that the
/// composite <c>g * y.Gt(0)</c> built. g·0 (not a literal 0) keeps the composite's bits: −0 for a negative g and NaN
/// for an infinite or NaN g, so the fused form is bit-identical to it.
/// </summary>
internal readonly struct ReluGradOp : IBinaryOp
{
    public void Apply<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && d.Length >= Vector<T>.Count)
        {
            var gv = MemoryMarshal.Cast<T, Vector<T>>(g);
            var yv = MemoryMarshal.Cast<T, Vector<T>>(y);
            var dv = MemoryMarshal.Cast<T, Vector<T>>(d);
            for (int v = 0; v < dv.Length; v++)
            {
                dv[v] = Vector.ConditionalSelect(Vector.GreaterThan(yv[v], Vector<T>.Zero), gv[v], gv[v] * Vector<T>.Zero);
            }
            i = dv.Length * Vector<T>.Count;
        }
        for (; i < d.Length; i++)
        {
            d[i] = Select(g[i], y[i]);
        }
    }

    public void Apply<T>(ReadOnlySpan<T> g, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = Select(g[i], y);
        }
    }

    public void Apply<T>(T g, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = Select(g, y[i]);
        }
    }

    private static T Select<T>(T g, T y) where T : unmanaged, IFloatingPointIeee754<T> => y > T.Zero ? g : g * T.Zero;
}
