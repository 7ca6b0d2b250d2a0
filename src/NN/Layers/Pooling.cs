namespace MiniTorch.NN;

/// <summary>
/// 2-D max pooling over (N, C, H, W) or (C, H, W) input (PyTorch's <c>nn.MaxPool2d</c>, without ceil_mode); the
/// gradient goes to the first maximum of each window. The stride defaults to the kernel size.
/// </summary>
public sealed class MaxPool2d : Module
{
    /// <summary>Creates the layer; padding may be at most half the kernel, as in PyTorch.</summary>
    public MaxPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null)
    {
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

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        var x = SpatialInput.Batched(this, input, null, out bool unbatched);
        SpatialInput.CheckWindowFits(this, input, x, KernelSize, Padding, Dilation);
        var y = Functional.MaxPool2d(x, KernelSize, Stride, Padding, Dilation);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation}";
}

/// <summary>
/// 2-D average pooling over (N, C, H, W) or (C, H, W) input (PyTorch's <c>nn.AvgPool2d</c>, without ceil_mode). The
/// stride defaults to the kernel size; padded zeros count in the average unless <see cref="CountIncludePad"/> is false.
/// </summary>
public sealed class AvgPool2d : Module
{
    /// <summary>Creates the layer; padding may be at most half the kernel, as in PyTorch.</summary>
    public AvgPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool countIncludePad = true)
    {
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

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        var x = SpatialInput.Batched(this, input, null, out bool unbatched);
        SpatialInput.CheckWindowFits(this, input, x, KernelSize, Padding, 1);
        var y = Functional.AvgPool2d(x, KernelSize, Stride, Padding, CountIncludePad);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, count_include_pad={PyBool(CountIncludePad)}";
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
