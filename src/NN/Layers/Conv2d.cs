namespace MiniTorch.NN;

/// <summary>
/// 2-D convolution over (N, C_in, H, W) or unbatched (C_in, H, W) input (PyTorch's <c>nn.Conv2d</c>), computed as
/// the core's convolution op (<see cref="Tensor.Conv2d"/>). Weight (C_out, C_in / groups, kh, kw) ~ kaiming_uniform(a = √5)
/// and bias ~ U(±1/√fan_in), fan_in = (C_in / groups)·kh·kw, as PyTorch initialises them.
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
    /// <param name="groups">Independent channel groups: group g's C_out / groups filters see only its C_in / groups input
    /// channels; groups = C_in = C_out is a depthwise convolution. Both channel counts must be divisible by it.</param>
    public Conv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
        bool bias = true, DType dtype = DType.Float32, Generator? generator = null, int groups = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        // PyTorch's messages: "groups must be a positive integer", "in_channels must be divisible by groups".
        if (groups <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Conv2d: groups must be a positive integer, got {groups}.");
        }
        if (inChannels % groups != 0)
        {
            throw new ArgumentException($"Conv2d: inChannels must be divisible by groups, got inChannels={inChannels} and groups={groups}.", nameof(groups));
        }
        if (outChannels % groups != 0)
        {
            throw new ArgumentException($"Conv2d: outChannels must be divisible by groups, got outChannels={outChannels} and groups={groups}.", nameof(groups));
        }
        Groups = groups;
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = SpatialInput.Check("Conv2d", "kernelSize", kernelSize, 1);
        Stride = SpatialInput.Check("Conv2d", "stride", stride ?? 1, 1);
        Padding = SpatialInput.Check("Conv2d", "padding", padding ?? 0, 0);
        Dilation = SpatialInput.Check("Conv2d", "dilation", dilation ?? 1, 1);
        RegisterParameter("weight", new Parameter(Tensor.Zeros([outChannels, inChannels / groups, KernelSize.Height, KernelSize.Width], dtype)));
        RegisterParameter("bias", bias ? new Parameter(Tensor.Zeros([outChannels], dtype)) : null);
        ResetParameters(generator);
    }

    /// <summary>Channels of the input.</summary>
    public int InChannels { get; }

    /// <summary>Channels of the output.</summary>
    public int OutChannels { get; }

    /// <summary>How many independent channel groups (1 for an ordinary convolution).</summary>
    public int Groups { get; }

    /// <summary>The filter size.</summary>
    public Size2 KernelSize { get; }

    /// <summary>The step between windows.</summary>
    public Size2 Stride { get; }

    /// <summary>Zeros added on each side.</summary>
    public Size2 Padding { get; }

    /// <summary>The spacing between filter taps.</summary>
    public Size2 Dilation { get; }

    /// <summary>The filters, shape (C_out, C_in / groups, kh, kw).</summary>
    public Parameter Weight => RequiredParameter("weight");

    /// <summary>The bias, shape (C_out), or null.</summary>
    public Parameter? Bias => GetParameter("bias");

    /// <summary>Re-draws the weight and bias with PyTorch's default initialisation.</summary>
    public void ResetParameters(Generator? generator = null)
    {
        Init.KaimingUniformInPlace(Weight, a: Math.Sqrt(5), generator: generator);
        if (Bias is { } b)
        {
            double bound = 1 / Math.Sqrt(InChannels / Groups * KernelSize.Height * KernelSize.Width);
            Init.UniformInPlace(b, -bound, bound, generator);
        }
    }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        var x = CheckedBatch(input, out bool unbatched);
        var y = Functional.Conv2d(x, Weight, Bias, Stride, Padding, Dilation, Groups);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>The input as a batch, (N, C, H, W), after the checks whose messages name this layer.</summary>
    private Tensor CheckedBatch(Tensor input, out bool unbatched)
    {
        CheckDType(input, Weight.DType);
        var x = SpatialInput.Batched(this, input, InChannels, out unbatched);
        SpatialInput.CheckWindowFits(this, input, x, KernelSize, Padding, Dilation);
        return x;
    }

    /// <summary>
    /// This layer's call on a batched input, followed by the frozen batch norm <paramref name="batchNorm"/> (if given)
    /// and ReLU (if <paramref name="relu"/>) in one <see cref="Tensor.Conv2dInference"/>: what <see cref="Sequential"/>
    /// runs for such a block, when nothing traces it. Its result is bit for bit the three modules' one after the other.
    /// </summary>
    internal Tensor CallFused(Tensor input, FrozenBatchNorm? batchNorm, bool relu)
    {
        ModuleCallStack.Push(this);
        try
        {
            var x = CheckedBatch(input, out _);
            return Tensor.Conv2dInference(x, Weight, Bias, Stride.ToTuple(), Padding.ToTuple(), Dilation.ToTuple(), Groups, batchNorm, relu);
        }
        finally
        {
            ModuleCallStack.Pop();
        }
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
        if (Groups != 1)
        {
            s += $", groups={Groups}";
        }
        return Bias is null ? s + ", bias=False" : s;
    }
}
