using System.Numerics;
using System.Runtime.InteropServices;

namespace MiniTorch.Kernels;

/// <summary>
/// LeakyReLU's backward in one pass, g where x &gt; 0 and g·slope elsewhere (a NaN x takes the slope, as x &gt; 0 is
/// false), without the mask tensors of the composite it replaced.
/// </summary>
internal readonly struct LeakyReluGradOp : IBinaryOp
{
    private readonly double _slope;

    public LeakyReluGradOp(double slope) => _slope = slope;

    public void Apply<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T slope = T.CreateTruncating(_slope);
        int i = 0;
        if (Vector.IsHardwareAccelerated && d.Length >= Vector<T>.Count)
        {
            var gv = MemoryMarshal.Cast<T, Vector<T>>(g);
            var xv = MemoryMarshal.Cast<T, Vector<T>>(x);
            var dv = MemoryMarshal.Cast<T, Vector<T>>(d);
            var slopes = new Vector<T>(slope);
            for (int v = 0; v < dv.Length; v++)
            {
                dv[v] = Vector.ConditionalSelect(Vector.GreaterThan(xv[v], Vector<T>.Zero), gv[v], gv[v] * slopes);
            }
            i = dv.Length * Vector<T>.Count;
        }
        for (; i < d.Length; i++)
        {
            d[i] = x[i] > T.Zero ? g[i] : g[i] * slope;
        }
    }

    public void Apply<T>(ReadOnlySpan<T> g, T x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T slope = T.CreateTruncating(_slope);
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = x > T.Zero ? g[i] : g[i] * slope;
        }
    }

    public void Apply<T>(T g, ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T pass = g;
        T scaled = g * T.CreateTruncating(_slope);
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = x[i] > T.Zero ? pass : scaled;
        }
    }
}
