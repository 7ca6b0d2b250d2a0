using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// A convolution's forward and input gradient summed term by term in double, straight from the definition (any window,
/// stride, padding, dilation and groups): the reference the kernel tests compare against. Each element comes with the
/// sum of its terms' magnitudes, the scale a rounding error is measured against.
/// </summary>
internal static class ConvDirectSums
{
    /// <summary>y (N, O, OutH, OutW) = conv(x, w) + bias, and per element Σ|term| (the bias counted as a term).</summary>
    public static (double[] Sums, double[] Scales) Forward<T>(T[] x, int xOffset, T[] weight, int wOffset, T[]? bias, int biasOffset, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var win = g.Window;
        int og = g.GroupOutChannels, cg = g.GroupInChannels;
        var sums = new double[g.N * g.OutChannels * g.Positions];
        var scales = new double[sums.Length];
        for (int n = 0; n < g.N; n++)
        {
            for (int o = 0; o < g.OutChannels; o++)
            {
                int group = o / og;
                for (int oh = 0; oh < win.OutH; oh++)
                {
                    for (int ow = 0; ow < win.OutW; ow++)
                    {
                        int e = ((n * g.OutChannels + o) * win.OutH + oh) * win.OutW + ow;
                        double b = bias is null ? 0 : double.CreateTruncating(bias[biasOffset + o]);
                        sums[e] = b;
                        scales[e] = Math.Abs(b);
                        for (int c = 0; c < cg; c++)
                        {
                            for (int i = 0; i < win.KernelH; i++)
                            {
                                for (int j = 0; j < win.KernelW; j++)
                                {
                                    int ih = oh * win.StrideH - win.PadH + i * win.DilationH, iw = ow * win.StrideW - win.PadW + j * win.DilationW;
                                    if ((uint)ih < (uint)win.H && (uint)iw < (uint)win.W)
                                    {
                                        double term = double.CreateTruncating(x[xOffset + ((n * g.InChannels + group * cg + c) * win.H + ih) * win.W + iw])
                                            * double.CreateTruncating(weight[wOffset + ((o * cg + c) * win.KernelH + i) * win.KernelW + j]);
                                        sums[e] += term;
                                        scales[e] += Math.Abs(term);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (sums, scales);
    }

    /// <summary>dx (N, C, H, W) = the adjoint of conv in x applied to gy, and per element Σ|term|.</summary>
    public static (double[] Sums, double[] Scales) InputGrad<T>(T[] gy, int gyOffset, T[] weight, int wOffset, ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var win = g.Window;
        int cg = g.GroupInChannels, og = g.GroupOutChannels;
        var sums = new double[g.N * g.InChannels * g.PlaneSize];
        var scales = new double[sums.Length];
        for (int n = 0; n < g.N; n++)
        {
            for (int o = 0; o < g.OutChannels; o++)
            {
                int group = o / og;
                for (int ci = 0; ci < cg; ci++)
                {
                    int c = group * cg + ci;
                    for (int i = 0; i < win.KernelH; i++)
                    {
                        for (int j = 0; j < win.KernelW; j++)
                        {
                            double wv = double.CreateTruncating(weight[wOffset + ((o * cg + ci) * win.KernelH + i) * win.KernelW + j]);
                            for (int oh = 0; oh < win.OutH; oh++)
                            {
                                for (int ow = 0; ow < win.OutW; ow++)
                                {
                                    int ih = oh * win.StrideH - win.PadH + i * win.DilationH, iw = ow * win.StrideW - win.PadW + j * win.DilationW;
                                    if ((uint)ih < (uint)win.H && (uint)iw < (uint)win.W)
                                    {
                                        int e = ((n * g.InChannels + c) * win.H + ih) * win.W + iw;
                                        double term = wv * double.CreateTruncating(gy[gyOffset + ((n * g.OutChannels + o) * win.OutH + oh) * win.OutW + ow]);
                                        sums[e] += term;
                                        scales[e] += Math.Abs(term);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (sums, scales);
    }
}
