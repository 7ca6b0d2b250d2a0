namespace MiniTorch.NN;

/// <summary>
/// 2-D convolution over (N, C_in, H, W) or unbatched (C_in, H, W) input (PyTorch's <c>nn.Conv2d</c>), computed as
/// im2col plus one matrix product per sample. Weight (C_out, C_in, kh, kw) ~ kaiming_uniform(a = √5) and bias
/// ~ U(±1/√fan_in), fan_in = C_in·kh·kw, as PyTorch initialises them.
/// </summary>
public sealed class Conv2d : Module
{
    /// <summary>Creates the layer and initialises it from <paramref name="generator"/> (<see cref="Generator.Default"/> if null).</summary>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels of the output (number of filters).</param>
    /// <param name="kernelSize">The filter size, e.g. 3 or (3, 5).</param>
    /// <param name="stride">Step between windows; 1 if null.</param>
    /// <param name="padding">Zeros added on each side; 0 if null.</param>
    /// <param name="dilation">Spacing between filter taps; 1 if null.</param>
    /// <param name="bias">Whether to add a learnable bias per output channel.</param>
    /// <param name="dtype">The parameters' dtype.</param>
    /// <param name="generator">Draws the initial weights.</param>
    public Conv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
        bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = SpatialInput.Check("Conv2d", "kernelSize", kernelSize, 1);
        Stride = SpatialInput.Check("Conv2d", "stride", stride ?? 1, 1);
        Padding = SpatialInput.Check("Conv2d", "padding", padding ?? 0, 0);
        Dilation = SpatialInput.Check("Conv2d", "dilation", dilation ?? 1, 1);
        RegisterParameter("weight", new Parameter(Tensor.Zeros([outChannels, inChannels, KernelSize.Height, KernelSize.Width], dtype)));
        RegisterParameter("bias", bias ? new Parameter(Tensor.Zeros([outChannels], dtype)) : null);
        ResetParameters(generator);
    }

    /// <summary>Channels of the input.</summary>
    public int InChannels { get; }

    /// <summary>Channels of the output.</summary>
    public int OutChannels { get; }

    /// <summary>The filter size.</summary>
    public Size2 KernelSize { get; }

    /// <summary>The step between windows.</summary>
    public Size2 Stride { get; }

    /// <summary>Zeros added on each side.</summary>
    public Size2 Padding { get; }

    /// <summary>The spacing between filter taps.</summary>
    public Size2 Dilation { get; }

    /// <summary>The filters, shape (C_out, C_in, kh, kw).</summary>
    public Parameter Weight => RequiredParameter("weight");

    /// <summary>The bias, shape (C_out), or null.</summary>
    public Parameter? Bias => GetParameter("bias");

    /// <summary>Re-draws the weight and bias with PyTorch's default initialisation.</summary>
    public void ResetParameters(Generator? generator = null)
    {
        Init.KaimingUniform(Weight, a: Math.Sqrt(5), generator: generator);
        if (Bias is { } b)
        {
            double bound = 1 / Math.Sqrt(InChannels * KernelSize.Height * KernelSize.Width);
            Init.Uniform(b, -bound, bound, generator);
        }
    }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        var weight = Weight;
        CheckDType(input, weight.DType);
        var x = SpatialInput.Batched(this, input, InChannels, out bool unbatched);
        SpatialInput.CheckWindowFits(this, input, x, KernelSize, Padding, Dilation);
        var y = Functional.Conv2d(x, weight, Bias, Stride, Padding, Dilation);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <inheritdoc />
    protected override string ExtraRepr()
    {
        string s = $"{InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}";
        if (Padding != new Size2(0, 0))
        {
            s += $", padding={Padding}";
        }
        if (Dilation != new Size2(1, 1))
        {
            s += $", dilation={Dilation}";
        }
        return Bias is null ? s + ", bias=False" : s;
    }
}
