using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>
/// The sizes of a 2-D sliding-window op: input (N, C, H, W), kernel, stride, padding, dilation and the
/// resulting number of window positions OutH × OutW.
/// </summary>
internal readonly record struct WindowGeometry(
    int N, int C, int H, int W,
    int KernelH, int KernelW,
    int StrideH, int StrideW,
    int PadH, int PadW,
    int DilationH, int DilationW)
{
    public int OutH => (H + 2 * PadH - DilationH * (KernelH - 1) - 1) / StrideH + 1;

    public int OutW => (W + 2 * PadW - DilationW * (KernelW - 1) - 1) / StrideW + 1;

    /// <summary>Rows of the column matrix: one per (channel, kernel row, kernel column).</summary>
    public int Rows => C * KernelH * KernelW;

    /// <summary>Columns of the column matrix: one per window position.</summary>
    public int Positions => OutH * OutW;

    /// <summary>The window's settings as a trace reports them (kernel, stride, padding, dilation as [height, width]).</summary>
    public OpAttributes ToAttributes() => new()
    {
        { "kernelSize", new[] { KernelH, KernelW } },
        { "stride", new[] { StrideH, StrideW } },
        { "padding", new[] { PadH, PadW } },
        { "dilation", new[] { DilationH, DilationW } },
    };
}

/// <summary>
/// im2col and its adjoint col2im over contiguous float/double data, one (sample, channel) plane at a time.
/// Row r = (c·kh + i)·kw + j of a sample's column matrix holds, for every output position (oh, ow), the input
/// element at (c, oh·sh − ph + i·dh, ow·sw − pw + j·dw): PyTorch's <c>F.unfold</c> layout.
/// </summary>
internal static class Im2ColKernel
{
    // Below this many column elements (about 1 MB of floats) the copy is memory-bound and quick, and scheduling
    // threads costs more than it saves (measured on 2 cores: a 64×1×8×8 batch ran 2.5× faster serially).
    private const int ParallelThreshold = 1 << 18;

    /// <summary>Writes the column matrix (N, C·kh·kw, OutH·OutW) of <paramref name="x"/> (N, C, H, W); positions outside the input read <paramref name="pad"/>.</summary>
    public static void Unfold<T>(T[] x, int xOffset, T[] cols, WindowGeometry g, T pad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int planes = g.N * g.C;
        if ((long)planes * g.KernelH * g.KernelW * g.Positions < ParallelThreshold)
        {
            for (int p = 0; p < planes; p++)
            {
                UnfoldPlane(x, xOffset, cols, g, pad, p);
            }
            return;
        }
        Parallel.For(0, planes, p => UnfoldPlane(x, xOffset, cols, g, pad, p));
    }

    /// <summary>Sums the column matrix back into an image (N, C, H, W): every window element adds into the input position it was read from.</summary>
    public static void Fold<T>(T[] cols, int colsOffset, T[] x, WindowGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Array.Clear(x);
        int planes = g.N * g.C;
        // Planes are disjoint in x, so they can be summed in parallel without races.
        if ((long)planes * g.KernelH * g.KernelW * g.Positions < ParallelThreshold)
        {
            for (int p = 0; p < planes; p++)
            {
                FoldPlane(cols, colsOffset, x, 0, g, p);
            }
            return;
        }
        Parallel.For(0, planes, p => FoldPlane(cols, colsOffset, x, 0, g, p));
    }

    /// <summary>
    /// Writes one sample's column matrix (C·kh·kw, OutH·OutW) of the C planes at <paramref name="xOffset"/> into the
    /// start of <paramref name="cols"/> on the calling thread; <paramref name="g"/> describes one sample (N = 1).
    /// <paramref name="runs"/> false forces the row-by-row copy even where <see cref="Im2ColRuns"/> applies (tests compare the two).
    /// </summary>
    public static void UnfoldSample<T>(T[] x, int xOffset, T[] cols, WindowGeometry g, bool runs = true) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < g.C; p++)
        {
            UnfoldPlane(x, xOffset, cols, g, T.Zero, p, runs);
        }
    }

    /// <summary>
    /// Adds one sample's column matrix (C·kh·kw, OutH·OutW), read from the start of <paramref name="cols"/>, into the
    /// C planes at <paramref name="xOffset"/> on the calling thread; <paramref name="g"/> describes one sample (N = 1).
    /// <paramref name="cols"/> is the caller's scratch: where <see cref="Im2ColRuns"/> applies (and <paramref name="runs"/>
    /// is true) its padded window positions are overwritten with zeros.
    /// </summary>
    public static void FoldSample<T>(T[] cols, T[] x, int xOffset, WindowGeometry g, bool runs = true) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (runs && Im2ColRuns.Applies(g))
        {
            int planeRows = g.KernelH * g.KernelW * g.Positions, planeSize = g.H * g.W;
            for (int p = 0; p < g.C; p++)
            {
                Im2ColRuns.FoldPlane(cols.AsSpan(p * planeRows, planeRows), x.AsSpan(xOffset + p * planeSize, planeSize), g);
            }
            return;
        }
        for (int p = 0; p < g.C; p++)
        {
            FoldPlane(cols, 0, x, xOffset, g, p);
        }
    }

    private static void UnfoldPlane<T>(T[] x, int xOffset, T[] cols, WindowGeometry g, T pad, int plane, bool runs = true) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = plane / g.C, c = plane % g.C;
        int outH = g.OutH, outW = g.OutW, positions = g.Positions;
        ReadOnlySpan<T> src = x.AsSpan(xOffset + plane * g.H * g.W, g.H * g.W);
        if (runs && Im2ColRuns.Applies(g))
        {
            int planeRows = g.KernelH * g.KernelW * positions;
            Im2ColRuns.UnfoldPlane(src, cols.AsSpan((n * g.Rows + c * g.KernelH * g.KernelW) * positions, planeRows), g, pad);
            return;
        }
        for (int i = 0; i < g.KernelH; i++)
        {
            for (int j = 0; j < g.KernelW; j++)
            {
                int row = (c * g.KernelH + i) * g.KernelW + j;
                Span<T> dst = cols.AsSpan((n * g.Rows + row) * positions, positions);
                int colStart = j * g.DilationW - g.PadW;
                ValidRange(colStart, g.StrideW, g.W, outW, out int lo, out int hi);
                for (int oh = 0; oh < outH; oh++)
                {
                    Span<T> line = dst.Slice(oh * outW, outW);
                    int ih = oh * g.StrideH - g.PadH + i * g.DilationH;
                    if ((uint)ih >= (uint)g.H)
                    {
                        line.Fill(pad);
                        continue;
                    }
                    ReadOnlySpan<T> srcRow = src.Slice(ih * g.W, g.W);
                    FillEdges(line, lo, hi, pad);
                    if (g.StrideW == 1)
                    {
                        // hi == lo when this tap reads only padding (a kernel wider than the input): no slice at colStart + lo < 0.
                        if (hi > lo)
                        {
                            srcRow.Slice(colStart + lo, hi - lo).CopyTo(line[lo..hi]);
                        }
                    }
                    else
                    {
                        for (int ow = lo; ow < hi; ow++)
                        {
                            line[ow] = srcRow[colStart + ow * g.StrideW];
                        }
                    }
                }
            }
        }
    }

    private static void FoldPlane<T>(T[] cols, int colsOffset, T[] x, int xOffset, WindowGeometry g, int plane) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = plane / g.C, c = plane % g.C;
        int outH = g.OutH, outW = g.OutW, positions = g.Positions;
        Span<T> dst = x.AsSpan(xOffset + plane * g.H * g.W, g.H * g.W);
        for (int i = 0; i < g.KernelH; i++)
        {
            for (int j = 0; j < g.KernelW; j++)
            {
                int row = (c * g.KernelH + i) * g.KernelW + j;
                ReadOnlySpan<T> src = cols.AsSpan(colsOffset + (n * g.Rows + row) * positions, positions);
                int colStart = j * g.DilationW - g.PadW;
                ValidRange(colStart, g.StrideW, g.W, outW, out int lo, out int hi);
                for (int oh = 0; oh < outH; oh++)
                {
                    int ih = oh * g.StrideH - g.PadH + i * g.DilationH;
                    if ((uint)ih >= (uint)g.H)
                    {
                        continue;
                    }
                    ReadOnlySpan<T> line = src.Slice(oh * outW, outW);
                    Span<T> dstRow = dst.Slice(ih * g.W, g.W);
                    if (g.StrideW == 1)
                    {
                        if (hi > lo)
                        {
                            Im2ColRuns.AddInto(line[lo..hi], dstRow.Slice(colStart + lo, hi - lo));
                        }
                        continue;
                    }
                    for (int ow = lo; ow < hi; ow++)
                    {
                        dstRow[colStart + ow * g.StrideW] += line[ow];
                    }
                }
            }
        }
    }

    /// <summary>
    /// line[..lo] and line[hi..] = <paramref name="value"/>: a row's positions in the left and right padding. The edges
    /// are a column or two wide (a 3×3 window's padding), so element stores, not a <c>Span.Fill</c> call per edge, whose
    /// call and length dispatch cost more than the stores (4–6% of a 32→64-channel convolution's forward-and-backward
    /// time on one thread, in perf, when the unfold and fold of <see cref="Im2ColRuns"/> called it per row).
    /// </summary>
    internal static void FillEdges<T>(Span<T> line, int lo, int hi, T value)
    {
        for (int q = 0; q < lo; q++)
        {
            line[q] = value;
        }
        for (int q = hi; q < line.Length; q++)
        {
            line[q] = value;
        }
    }

    /// <summary>The output columns [lo, hi) whose input column start + ow·stride lies inside [0, width).</summary>
    private static void ValidRange(int start, int stride, int width, int outW, out int lo, out int hi)
    {
        lo = start >= 0 ? 0 : Math.Min(outW, (-start + stride - 1) / stride);
        int last = width - 1 - start; // the largest ow·stride that stays inside
        hi = last < 0 ? lo : Math.Min(outW, last / stride + 1);
        hi = Math.Max(hi, lo);
    }
}
