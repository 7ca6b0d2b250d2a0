namespace MiniTorch.NN;

// Convolution and pooling as one im2col (Tensor.Im2Col) plus a matrix product or a reduction over each window.
public static partial class Functional
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as in every deep-learning library) of input (N, C, H, W) with weight
    /// (O, C, kh, kw) plus an optional bias (O), giving (N, O, OH, OW) (PyTorch's <c>F.conv2d</c>).
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Size2? stride = null, Size2? padding = null, Size2? dilation = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.Rank != 4 || weight.Rank != 4)
        {
            throw new ArgumentException($"Conv2d: expected a 4-D input (N, C, H, W) and a 4-D weight (O, C, kh, kw), got input {Format(input.Shape)} and weight {Format(weight.Shape)}.");
        }
        int n = input.Size(0), o = weight.Size(0);
        if (input.Size(1) != weight.Size(1))
        {
            throw new ArgumentException($"Conv2d: given weight of size {Format(weight.Shape)}, expected input {Format(input.Shape)} to have {weight.Size(1)} channels, but got {input.Size(1)} channels instead.");
        }
        if (bias is not null && (bias.Rank != 1 || bias.Size(0) != o))
        {
            throw new ArgumentException($"Conv2d: expected bias of shape [{o}] for a weight of shape {Format(weight.Shape)}, got {Format(bias.Shape)}.");
        }
        var cols = input.Im2Col((weight.Size(2), weight.Size(3)), stride?.ToTuple(), padding?.ToTuple(), dilation?.ToTuple());
        var (outH, outW) = OutputSize(input, (weight.Size(2), weight.Size(3)), stride ?? 1, padding ?? 0, dilation ?? 1);
        // (O, C·kh·kw) · (N, C·kh·kw, L) → (N, O, L): one matrix product per sample.
        var output = Tensor.Matmul(weight.Reshape(o, -1), cols).Reshape(n, o, outH, outW);
        output = bias is null ? output : output + bias.Reshape(1, o, 1, 1);
        if (Tracing.IsActive)
        {
            Tracing.Record("Conv2d", [output], [input, weight, bias], new OpAttributes
            {
                { "stride", (stride ?? 1).ToArray() },
                { "padding", (padding ?? 0).ToArray() },
                { "dilation", (dilation ?? 1).ToArray() },
            });
        }
        return output;
    }

    /// <summary>
    /// 2-D max pooling of (N, C, H, W) (PyTorch's <c>F.max_pool2d</c>): the gradient flows to the first maximum of
    /// each window, as in PyTorch. Padding reads −∞, so it is never the maximum.
    /// </summary>
    public static Tensor MaxPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null)
    {
        var (planes, pad, s) = PoolInput("MaxPool2d", input, kernelSize, stride, padding);
        var cols = planes.Im2Col(kernelSize.ToTuple(), s.ToTuple(), pad.ToTuple(), dilation?.ToTuple(), padValue: double.NegativeInfinity);
        var (outH, outW) = OutputSize(input, kernelSize.ToTuple(), s, pad, dilation ?? 1);
        var output = cols.Max(1).Values.Reshape(input.Size(0), input.Size(1), outH, outW);
        if (Tracing.IsActive)
        {
            Tracing.Record("MaxPool2d", [output], [input], new OpAttributes
            {
                { "kernelSize", kernelSize.ToArray() },
                { "stride", s.ToArray() },
                { "padding", pad.ToArray() },
                { "dilation", (dilation ?? 1).ToArray() },
            });
        }
        return output;
    }

    /// <summary>
    /// 2-D average pooling of (N, C, H, W) (PyTorch's <c>F.avg_pool2d</c>). With <paramref name="countIncludePad"/>
    /// (the default) padded zeros count in the average; otherwise each window averages only the elements inside the input.
    /// </summary>
    public static Tensor AvgPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool countIncludePad = true)
    {
        var (planes, pad, s) = PoolInput("AvgPool2d", input, kernelSize, stride, padding);
        var cols = planes.Im2Col(kernelSize.ToTuple(), s.ToTuple(), pad.ToTuple());
        var (outH, outW) = OutputSize(input, kernelSize.ToTuple(), s, pad, 1);
        Tensor pooled;
        if (countIncludePad)
        {
            pooled = cols.Mean(1);
        }
        else
        {
            // How many elements of each window lie inside the input: im2col of a plane of ones.
            var ones = Tensor.Ones([1, 1, input.Size(2), input.Size(3)], input.DType);
            var counts = ones.Im2Col(kernelSize.ToTuple(), s.ToTuple(), pad.ToTuple()).Sum(1);
            pooled = cols.Sum(1) / counts;
        }
        var output = pooled.Reshape(input.Size(0), input.Size(1), outH, outW);
        if (Tracing.IsActive)
        {
            Tracing.Record("AvgPool2d", [output], [input], new OpAttributes
            {
                { "kernelSize", kernelSize.ToArray() },
                { "stride", s.ToArray() },
                { "padding", pad.ToArray() },
                { "countIncludePad", countIncludePad },
            });
        }
        return output;
    }

    private static (Tensor Planes, Size2 Padding, Size2 Stride) PoolInput(string op, Tensor input, Size2 kernel, Size2? stride, Size2? padding)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4)
        {
            throw new ArgumentException($"{op}: expected a 4-D input (N, C, H, W), got {Format(input.Shape)}.");
        }
        var pad = padding ?? 0;
        if (pad.Height > kernel.Height / 2 || pad.Width > kernel.Width / 2)
        {
            throw new ArgumentException($"{op}: pad should be at most half of the kernel size, but got padding {pad} for kernel {kernel}.");
        }
        // Each (sample, channel) plane is pooled on its own: fold channels into the batch.
        return (input.Reshape(input.Size(0) * input.Size(1), 1, input.Size(2), input.Size(3)), pad, stride ?? kernel);
    }

    private static (int Height, int Width) OutputSize(Tensor input, (int Height, int Width) kernel, Size2 stride, Size2 padding, Size2 dilation) =>
        ((input.Size(2) + 2 * padding.Height - dilation.Height * (kernel.Height - 1) - 1) / stride.Height + 1,
         (input.Size(3) + 2 * padding.Width - dilation.Width * (kernel.Width - 1) - 1) / stride.Width + 1);

    private static string Format(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";
}
