using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MiniTorch.Kernels;

/// <summary>
/// im2col and col2im for windows with unit strides whose output is as wide as the input (the "same" 3×3 padding-1
/// convolution of every small CNN, any dilation): for one kernel tap (i, j), output row oh reads input row
/// oh − padH + i·dh shifted by a constant, and consecutive output rows read consecutive input rows, so the whole
/// column-matrix row is one contiguous shifted copy of the plane. It is moved as one run (a memmove, or one vector
/// add for the adjoint) instead of OutH row copies of a few elements each; the few window positions that fall in the
/// left or right padding are fixed up afterwards.
/// </summary>
internal static class Im2ColRuns
{
    /// <summary>Whether <paramref name="g"/> is a window this class handles.</summary>
    public static bool Applies(WindowGeometry g) => g is { StrideH: 1, StrideW: 1 } && g.OutW == g.W;

    /// <summary>Writes the column-matrix rows of one (sample, channel) plane; positions outside the input read <paramref name="pad"/>.</summary>
    /// <param name="src">The plane, H·W elements.</param>
    /// <param name="cols">The plane's KernelH·KernelW rows of OutH·OutW elements each, one after the other.</param>
    /// <param name="g">The window (<see cref="Applies"/> must hold).</param>
    /// <param name="pad">The value of a position outside the input.</param>
    public static void UnfoldPlane<T>(ReadOnlySpan<T> src, Span<T> cols, WindowGeometry g, T pad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outH = g.OutH, outW = g.OutW, positions = outH * outW;
        for (int i = 0; i < g.KernelH; i++)
        {
            RowRange(g, i, out int oh0, out int oh1);
            for (int j = 0; j < g.KernelW; j++)
            {
                Span<T> dst = cols.Slice((i * g.KernelW + j) * positions, positions);
                ColumnRange(g, j, out int colStart, out int lo, out int hi);
                if (oh1 <= oh0 || hi <= lo)
                {
                    dst.Fill(pad);
                    continue;
                }
                dst[..(oh0 * outW)].Fill(pad);
                dst[(oh1 * outW)..].Fill(pad);
                int ih0 = oh0 - g.PadH + i * g.DilationH;
                int length = (oh1 - 1 - oh0) * outW + (hi - lo);
                src.Slice(ih0 * g.W + colStart + lo, length).CopyTo(dst.Slice(oh0 * outW + lo, length));
                // The run also copied, into each row's padded columns, the neighbouring input row's edge: reset them.
                ClearEdges(dst, oh0, oh1, outW, lo, hi, pad);
            }
        }
    }

    /// <summary>
    /// Adds the column-matrix rows of one (sample, channel) plane into the plane they were read from. The padded window
    /// positions of <paramref name="cols"/> are set to zero on the way (cols is the caller's scratch), so that every row
    /// is added as one contiguous run.
    /// </summary>
    /// <param name="cols">The plane's KernelH·KernelW rows of OutH·OutW elements each; its padded positions are overwritten.</param>
    /// <param name="dst">The plane, H·W elements, added into.</param>
    /// <param name="g">The window (<see cref="Applies"/> must hold).</param>
    public static void FoldPlane<T>(Span<T> cols, Span<T> dst, WindowGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outH = g.OutH, outW = g.OutW, positions = outH * outW;
        for (int i = 0; i < g.KernelH; i++)
        {
            RowRange(g, i, out int oh0, out int oh1);
            if (oh1 <= oh0)
            {
                continue;
            }
            int ih0 = oh0 - g.PadH + i * g.DilationH;
            for (int j = 0; j < g.KernelW; j++)
            {
                Span<T> src = cols.Slice((i * g.KernelW + j) * positions, positions);
                ColumnRange(g, j, out int colStart, out int lo, out int hi);
                if (hi <= lo)
                {
                    continue;
                }
                // Inside the run, a row's padded columns land on the neighbouring input row's edge: they must add zero.
                ClearEdges(src, oh0, oh1, outW, lo, hi, T.Zero);
                int length = (oh1 - 1 - oh0) * outW + (hi - lo);
                AddInto(src.Slice(oh0 * outW + lo, length), dst.Slice(ih0 * g.W + colStart + lo, length));
            }
        }
    }

    /// <summary>destination += source, vectorised.</summary>
    public static void AddInto<T>(ReadOnlySpan<T> source, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var d = MemoryMarshal.Cast<T, float>(destination);
            TensorPrimitives.Add(MemoryMarshal.Cast<T, float>(source), d, d);
        }
        else if (typeof(T) == typeof(double))
        {
            var d = MemoryMarshal.Cast<T, double>(destination);
            TensorPrimitives.Add(MemoryMarshal.Cast<T, double>(source), d, d);
        }
        else
        {
            for (int i = 0; i < source.Length; i++)
            {
                destination[i] += source[i];
            }
        }
    }

    /// <summary>The output rows [oh0, oh1) whose kernel row <paramref name="i"/> reads inside the input (unit stride).</summary>
    private static void RowRange(WindowGeometry g, int i, out int oh0, out int oh1)
    {
        int shift = i * g.DilationH - g.PadH; // ih = oh + shift
        oh0 = Math.Max(0, -shift);
        oh1 = Math.Min(g.OutH, g.H - shift);
    }

    /// <summary>The output columns [lo, hi) whose kernel column <paramref name="j"/> reads inside the input (unit stride), and the shift.</summary>
    private static void ColumnRange(WindowGeometry g, int j, out int colStart, out int lo, out int hi)
    {
        colStart = j * g.DilationW - g.PadW; // iw = ow + colStart
        lo = Math.Max(0, -colStart);
        hi = Math.Min(g.OutW, g.W - colStart);
    }

    private static void ClearEdges<T>(Span<T> rows, int oh0, int oh1, int outW, int lo, int hi, T value)
        where T : unmanaged
    {
        if (lo == 0 && hi == outW)
        {
            return;
        }
        for (int oh = oh0; oh < oh1; oh++)
        {
            Im2ColKernel.FillEdges(rows.Slice(oh * outW, outW), lo, hi, value);
        }
    }
}
