namespace MiniTorch.NN;

// Convolution (the core's op) and pooling.
public static partial class Functional
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as in every deep-learning library) of input (N, C, H, W) or (C, H, W) with
    /// weight (O, C / groups, kh, kw) plus an optional bias (O), giving (N, O, OH, OW) (PyTorch's <c>F.conv2d</c>).
    /// With <paramref name="groups"/> G, group g's O / G filters see only input channels [g·C/G, (g+1)·C/G);
    /// G = C = O is a depthwise convolution. Computed by the core's convolution op (<see cref="Tensor.Conv2d"/>).
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
        int groups = 1) =>
        Tensor.Conv2d(input, weight, bias, stride?.ToTuple(), padding?.ToTuple(), dilation?.ToTuple(), groups);

    /// <summary>
    /// 2-D max pooling of (N, C, H, W) or (C, H, W) (PyTorch's <c>F.max_pool2d</c>): the gradient flows to the first
    /// maximum of each window, as in PyTorch. Padding reads −∞, so it is never the maximum. The stride defaults to the
    /// kernel size; <paramref name="ceilMode"/> rounds the output size up. Computed by the core's <see cref="Tensor.MaxPool2d"/>.
    /// </summary>
    public static Tensor MaxPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
        bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.MaxPool2d(kernelSize.ToTuple(), stride?.ToTuple(), padding?.ToTuple(), dilation?.ToTuple(), ceilMode);
    }

    /// <summary>
    /// 2-D average pooling of (N, C, H, W) or (C, H, W) (PyTorch's <c>F.avg_pool2d</c>). With <paramref name="countIncludePad"/>
    /// (the default) padded zeros count in the average; otherwise each window averages only the elements inside the input.
    /// The stride defaults to the kernel size; <paramref name="ceilMode"/> rounds the output size up. Computed by the
    /// core's <see cref="Tensor.AvgPool2d"/>.
    /// </summary>
    public static Tensor AvgPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool countIncludePad = true,
        bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.AvgPool2d(kernelSize.ToTuple(), stride?.ToTuple(), padding?.ToTuple(), ceilMode, countIncludePad);
    }

    /// <summary>
    /// 2-D adaptive average pooling of (N, C, H, W) or (C, H, W) to <paramref name="outputSize"/> whatever the input's
    /// size (PyTorch's <c>F.adaptive_avg_pool2d</c>); (1, 1) is a global average pool, as in ResNet's head.
    /// </summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, Size2 outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.AdaptiveAvgPool2d(outputSize.ToTuple());
    }

    private static string Format(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";
}
