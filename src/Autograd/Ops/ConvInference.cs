using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch;

public partial class Tensor
{
    /// <summary>
    /// A convolution followed by an evaluation-mode batch norm and a ReLU, each optional, as inference engines fuse
    /// them (ONNX Runtime's <c>FusedConv</c>, PyTorch's <c>torch.ao.nn.intrinsic.ConvBnReLU2d</c>): equal bit for bit
    /// to <see cref="Conv2d"/>, then <see cref="BatchNormInference"/> with <paramref name="batchNorm"/>'s values if
    /// given, then <see cref="Relu"/> if <paramref name="relu"/>. An unbatched (C, H, W) input is a batch of one, as
    /// in <see cref="Conv2d"/>, so the batch norm normalises its output channels. When nothing records it (no gradient
    /// wanted, no forward-mode tangent, no trace), the input is float32 or float64 and the batch norm's vectors have its
    /// dtype and are contiguous, the batch norm and the ReLU are applied to each part of the batch right after the
    /// part's product, while its output is in cache, instead of as two more passes over the whole output; otherwise the
    /// three ops run one after the other and record, promote and trace as they do. <c>Sequential</c> runs a Conv2d
    /// followed by a BatchNorm2d that normalises with its running statistics and/or a ReLU through it.
    /// </summary>
    /// <param name="input">The input, (N, C, H, W) or (C, H, W).</param>
    /// <param name="weight">The filters, (O, C / groups, kh, kw).</param>
    /// <param name="bias">A value per output channel, (O); null for none.</param>
    /// <param name="stride">The step between windows; (1, 1) if null.</param>
    /// <param name="padding">Zeros added on each side; (0, 0) if null.</param>
    /// <param name="dilation">The spacing between filter taps; (1, 1) if null.</param>
    /// <param name="groups">How many channel groups; both C and O must be divisible by it.</param>
    /// <param name="batchNorm">The batch norm applied to the convolution's output; none if null.</param>
    /// <param name="relu">Whether ReLU is applied last.</param>
    /// <returns>A new tensor, (N, O, OutH, OutW) (or (O, OutH, OutW)), as <see cref="Conv2d"/>'s.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="weight"/> is null.</exception>
    /// <exception cref="NotSupportedException">The input or the weight is not of a floating dtype (as <see cref="Conv2d"/>).</exception>
    /// <exception cref="ArgumentException">As <see cref="Conv2d"/> and <see cref="BatchNormInference"/> throw, for the same operands.</exception>
    public static Tensor Conv2dInference(Tensor input, Tensor weight, Tensor? bias = null, (int Height, int Width)? stride = null,
        (int Height, int Width)? padding = null, (int Height, int Width)? dilation = null, int groups = 1, FrozenBatchNorm? batchNorm = null,
        bool relu = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.Rank == 3)
        {
            return Conv2dInference(input.Unsqueeze(0), weight, bias, stride, padding, dilation, groups, batchNorm, relu).Squeeze(0);
        }
        var bn = batchNorm;
        if (FusesConvEpilogue(input, weight, bias, bn))
        {
            DTypeCheck.RequireFloating("Conv2d", weight, "slow_conv2d_cpu");
            var g = ConvGeometryOf(input, weight, bias, stride, padding, dilation, groups);
            // The denominator has the variance's dtype and is contiguous, as the predicate asks of the variance.
            var denominator = bn is null ? null : BatchNormDenominator(g.OutputShape, bn.RunningMean, bn.RunningVar, bn.Weight, bn.Bias, bn.Eps);
            return input.DType == DType.Float32
                ? ConvolveWithEpilogue<float>(input, weight, bias, g, bn, denominator, relu)
                : ConvolveWithEpilogue<double>(input, weight, bias, g, bn, denominator, relu);
        }
        var y = Conv2d(input, weight, bias, stride, padding, dilation, groups);
        if (bn is not null)
        {
            y = y.BatchNormInference(bn.RunningMean, bn.RunningVar, bn.Weight, bn.Bias, bn.Eps);
        }
        return relu ? y.Relu() : y;
    }

    /// <summary>
    /// Whether <see cref="Conv2dInference"/> of these operands may run as one kernel: a batched float input, nothing
    /// recording, and batch norm vectors of the input's dtype, contiguous (their shapes are checked by the op).
    /// </summary>
    internal static bool FusesConvEpilogue(Tensor input, Tensor weight, Tensor? bias, FrozenBatchNorm? bn) =>
        input.Rank == 4 && NothingRecords(input, weight, bias, bn?.RunningMean, bn?.RunningVar, bn?.Weight, bn?.Bias)
        && (bn is null || ChannelVectorsFit(input.DType, bn.RunningMean, bn.RunningVar, bn.Weight, bn.Bias));

    /// <summary>The unrecorded convolution with a validated geometry, its output's parts normalised and rectified as they are written.</summary>
    private static Tensor ConvolveWithEpilogue<T>(Tensor x, Tensor w, Tensor? bias, ConvGeometry g, FrozenBatchNorm? bn, Tensor? denominator, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xc = x.ContiguousRaw();
        var wc = w.ContiguousRaw();
        var bc = bias?.ContiguousRaw();
        var r = Empty(g.OutputShape, x.DType);
        T[] y = r.Data<T>();
        BatchNormInferenceChunk<T>? normalize = bn is null || r.Numel == 0
            ? null
            : BatchNormChunk<T>(y, 0, y, g.OutputShape, bn.RunningMean, denominator!, bn.Weight, bn.Bias);
        ConvKernel.Forward(xc.Data<T>(), xc.Offset, wc.Data<T>(), wc.Offset, bc?.Data<T>(), bc?.Offset ?? 0, y, g,
            new ConvEpilogue<T>(y, normalize, relu));
        xc.DisposeIfCopyOf(x);
        wc.DisposeIfCopyOf(w);
        bc?.DisposeIfCopyOf(bias!);
        return r;
    }
}
