namespace MiniTorch.Kernels;

/// <summary>
/// The sizes of a grouped 2-D convolution: input (N, C, H, W), weight (O, C / Groups, kh, kw), output (N, O, OutH, OutW).
/// Group g reads input channels [g·C/G, (g+1)·C/G) and writes output channels [g·O/G, (g+1)·O/G).
/// </summary>
/// <param name="Window">The sliding window over one sample's channels of one group (N = 1, C = C / Groups).</param>
/// <param name="N">The batch size.</param>
/// <param name="OutChannels">O, the output channels.</param>
/// <param name="Groups">How many independent channel groups.</param>
internal readonly record struct ConvGeometry(WindowGeometry Window, int N, int OutChannels, int Groups)
{
    /// <summary>Input channels of the whole input.</summary>
    public int InChannels => Window.C * Groups;

    /// <summary>Input channels of one group.</summary>
    public int GroupInChannels => Window.C;

    /// <summary>Output channels of one group.</summary>
    public int GroupOutChannels => OutChannels / Groups;

    /// <summary>The reduction length of one group's product: (C / G)·kh·kw, the column matrix's rows.</summary>
    public int GroupK => Window.Rows;

    /// <summary>Output positions per channel, OutH·OutW.</summary>
    public int Positions => Window.Positions;

    /// <summary>Elements of one input plane, H·W.</summary>
    public int PlaneSize => Window.H * Window.W;

    /// <summary>The input's shape (N, C, H, W).</summary>
    public int[] InputShape => [N, InChannels, Window.H, Window.W];

    /// <summary>The weight's shape (O, C / G, kh, kw).</summary>
    public int[] WeightShape => [OutChannels, Window.C, Window.KernelH, Window.KernelW];

    /// <summary>The output's shape (N, O, OutH, OutW).</summary>
    public int[] OutputShape => [N, OutChannels, Window.OutH, Window.OutW];

    /// <summary>
    /// Whether a sample's column matrix is the input itself: a 1×1 kernel with unit stride and no padding reads every
    /// input element once, in place (dilation does not matter for a single tap).
    /// </summary>
    public bool ColumnsAreInput => Window is { KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, PadH: 0, PadW: 0 };

    /// <summary>Multiply-adds of one sample's product over all groups.</summary>
    public long SampleWork => (long)OutChannels * GroupK * Positions;

    /// <summary>The settings as a trace reports them (stride, padding, dilation as [height, width], and groups).</summary>
    public OpAttributes ToAttributes() => new()
    {
        { "stride", new[] { Window.StrideH, Window.StrideW } },
        { "padding", new[] { Window.PadH, Window.PadW } },
        { "dilation", new[] { Window.DilationH, Window.DilationW } },
        { "groups", Groups },
    };
}
