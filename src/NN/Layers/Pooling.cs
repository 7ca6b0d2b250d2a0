namespace MiniTorch.NN;

/// <summary>
/// 2-D max pooling over (N, C, H, W) or (C, H, W) input (PyTorch's <c>nn.MaxPool2d</c>); the gradient goes to the
/// first maximum of each window. The stride defaults to the kernel size; <see cref="CeilMode"/> rounds the output size up.
/// </summary>
public sealed class MaxPool2d : Module
{
    /// <summary>Creates the layer; padding may be at most half the kernel, as in PyTorch.</summary>
    public MaxPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null, bool ceilMode = false)
    {
        CeilMode = ceilMode;
        KernelSize = SpatialInput.Check("MaxPool2d", "kernelSize", kernelSize, 1);
        Stride = SpatialInput.Check("MaxPool2d", "stride", stride ?? kernelSize, 1);
        Padding = Pooling.CheckPadding("MaxPool2d", padding ?? 0, KernelSize);
        Dilation = SpatialInput.Check("MaxPool2d", "dilation", dilation ?? 1, 1);
    }

    /// <summary>The window size.</summary>
    public Size2 KernelSize { get; }

    /// <summary>The step between windows.</summary>
    public Size2 Stride { get; }

    /// <summary>Implicit −∞ padding on each side.</summary>
    public Size2 Padding { get; }

    /// <summary>The spacing between window elements.</summary>
    public Size2 Dilation { get; }

    /// <summary>Whether the output size is rounded up, so a last partial window is pooled too.</summary>
    public bool CeilMode { get; }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        var x = SpatialInput.Batched(this, input, null, out bool unbatched);
        SpatialInput.CheckWindowFits(this, input, x, KernelSize, Padding, Dilation);
        var y = Functional.MaxPool2d(x, KernelSize, Stride, Padding, Dilation, CeilMode);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation}, ceil_mode={PyBool(CeilMode)}";
}

/// <summary>
/// 2-D average pooling over (N, C, H, W) or (C, H, W) input (PyTorch's <c>nn.AvgPool2d</c>). The stride defaults to the
/// kernel size; padded zeros count in the average unless <see cref="CountIncludePad"/> is false; <see cref="CeilMode"/>
/// rounds the output size up.
/// </summary>
public sealed class AvgPool2d : Module
{
    /// <summary>Creates the layer; padding may be at most half the kernel, as in PyTorch.</summary>
    public AvgPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool countIncludePad = true, bool ceilMode = false)
    {
        CeilMode = ceilMode;
        KernelSize = SpatialInput.Check("AvgPool2d", "kernelSize", kernelSize, 1);
        Stride = SpatialInput.Check("AvgPool2d", "stride", stride ?? kernelSize, 1);
        Padding = Pooling.CheckPadding("AvgPool2d", padding ?? 0, KernelSize);
        CountIncludePad = countIncludePad;
    }

    /// <summary>The window size.</summary>
    public Size2 KernelSize { get; }

    /// <summary>The step between windows.</summary>
    public Size2 Stride { get; }

    /// <summary>Implicit zero padding on each side.</summary>
    public Size2 Padding { get; }

    /// <summary>Whether padded zeros count in the average.</summary>
    public bool CountIncludePad { get; }

    /// <summary>Whether the output size is rounded up, so a last partial window is pooled too.</summary>
    public bool CeilMode { get; }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        var x = SpatialInput.Batched(this, input, null, out bool unbatched);
        SpatialInput.CheckWindowFits(this, input, x, KernelSize, Padding, 1);
        var y = Functional.AvgPool2d(x, KernelSize, Stride, Padding, CountIncludePad, CeilMode);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, ceil_mode={PyBool(CeilMode)}, count_include_pad={PyBool(CountIncludePad)}";
}

/// <summary>
/// 2-D adaptive average pooling over (N, C, H, W) or (C, H, W) input to a fixed output size whatever the input's
/// (PyTorch's <c>nn.AdaptiveAvgPool2d</c>); <c>new AdaptiveAvgPool2d(1)</c> is the global average pool of ResNet-style heads.
/// </summary>
public sealed class AdaptiveAvgPool2d : Module
{
    /// <summary>Creates the layer for an output of <paramref name="outputSize"/> (height, width), each at least 1.</summary>
    public AdaptiveAvgPool2d(Size2 outputSize)
    {
        OutputSize = SpatialInput.Check("AdaptiveAvgPool2d", "outputSize", outputSize, 1);
    }

    /// <summary>The output's (height, width).</summary>
    public Size2 OutputSize { get; }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        var x = SpatialInput.Batched(this, input, null, out bool unbatched);
        var y = Functional.AdaptiveAvgPool2d(x, OutputSize);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"output_size={OutputSize}";
}

internal static class Pooling
{
    public static Size2 CheckPadding(string layer, Size2 padding, Size2 kernel)
    {
        SpatialInput.Check(layer, "padding", padding, 0);
        if (padding.Height > kernel.Height / 2 || padding.Width > kernel.Width / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(padding), padding, $"{layer}: pad should be at most half of the kernel size, but got padding {padding} for kernel {kernel}.");
        }
        return padding;
    }
}
