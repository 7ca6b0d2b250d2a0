using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>
/// One sample's column matrix (C·kh·kw × OutH·OutW, <see cref="Im2ColKernel"/>'s layout) as a B operand that packs
/// itself: for the rows of a block, each channel's kh·kw rows are unfolded into a small per-thread buffer (kh·kw·OutH·OutW
/// elements, in L1 for the usual sizes) and copied from there into the GEMM's strips. The whole column matrix (0.3 MB per
/// sample for 32 channels on 16×16) is never written and read back through L2; the packed strips hold exactly the
/// values <see cref="GemmPacking.PackB{T, TVec, TSimd}"/> would have packed from it, so products are bit-identical.
/// </summary>
/// <param name="x">The input data.</param>
/// <param name="sampleOffset">Where the sample's (group's) first channel plane starts in <paramref name="x"/>.</param>
/// <param name="window">The window over one sample's channels of one group (N = 1).</param>
internal readonly unsafe struct ConvColumnPanels<T>(T[] x, int sampleOffset, WindowGeometry window) : IPanelSource<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static T[]? t_channelRows;

    public void Pack<TVec, TSimd>(int pc, int kc, int jc, int nc, T* destination)
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int w = TSimd.Count, nr = 2 * w;
        int taps = window.KernelH * window.KernelW, positions = window.Positions, planeSize = window.H * window.W;
        int length = taps * positions;
        if (t_channelRows is null || t_channelRows.Length < length)
        {
            t_channelRows = GC.AllocateUninitializedArray<T>(length);
        }
        T[] rows = t_channelRows;
        var single = window with { C = 1 };
        int channel = -1;
        fixed (T* rowsStart = rows)
        {
            for (int p = 0; p < kc; p++)
            {
                int r = pc + p, c = r / taps;
                if (c != channel)
                {
                    Im2ColKernel.UnfoldSample(x, sampleOffset + c * planeSize, rows, single);
                    channel = c;
                }
                T* row = rowsStart + (r - c * taps) * positions + jc;
                for (int j0 = 0; j0 < nc; j0 += nr)
                {
                    int cols = Math.Min(nr, nc - j0);
                    int width = cols <= w ? w : nr;
                    T* d = destination + j0 * kc + p * width;
                    if (cols == width)
                    {
                        TSimd.Store(TSimd.Load(row + j0), d);
                        if (width == nr)
                        {
                            TSimd.Store(TSimd.Load(row + j0 + w), d + w);
                        }
                        continue;
                    }
                    var strip = new Span<T>(d, width);
                    new ReadOnlySpan<T>(row + j0, cols).CopyTo(strip);
                    strip[cols..].Clear();
                }
            }
        }
    }
}
