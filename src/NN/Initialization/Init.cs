namespace MiniTorch.NN;

/// <summary>Whether an initialiser scales by the number of inputs (preserves the forward pass) or outputs (the backward pass).</summary>
public enum FanMode
{
    /// <summary>Scale by the inputs per output unit (PyTorch's <c>'fan_in'</c>).</summary>
    FanIn,

    /// <summary>Scale by the outputs per input unit (PyTorch's <c>'fan_out'</c>).</summary>
    FanOut,
}

/// <summary>The activation that follows a layer, which sets the recommended gain of its initialisation.</summary>
public enum Nonlinearity
{
    /// <summary>Identity (gain 1).</summary>
    Linear,

    /// <summary>A convolution with no activation (gain 1).</summary>
    Conv2d,

    /// <summary>Sigmoid (gain 1).</summary>
    Sigmoid,

    /// <summary>Tanh (gain 5/3).</summary>
    Tanh,

    /// <summary>ReLU (gain √2).</summary>
    Relu,

    /// <summary>Leaky ReLU with a negative slope (gain √(2 / (1 + slope²))).</summary>
    LeakyRelu,

    /// <summary>SELU (gain 3/4).</summary>
    Selu,
}

/// <summary>
/// Weight initialisers with PyTorch's formulas (<c>torch.nn.init</c>). Each fills the given tensor in place,
/// without recording a graph, and returns it; random ones draw from the seedable <see cref="Generator"/> passed in
/// (<see cref="Generator.Default"/> when none is given), so a model is reproducible from a seed.
/// </summary>
public static class Init
{
    /// <summary>The recommended gain for <paramref name="nonlinearity"/> (PyTorch's <c>calculate_gain</c>); <paramref name="param"/> is Leaky ReLU's slope (0.01 if null).</summary>
    public static double CalculateGain(Nonlinearity nonlinearity, double? param = null) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Conv2d or Nonlinearity.Sigmoid => 1,
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.Relu => Math.Sqrt(2),
        Nonlinearity.LeakyRelu => Math.Sqrt(2 / (1 + Math.Pow(param ?? 0.01, 2))),
        Nonlinearity.Selu => 0.75,
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "Init.CalculateGain: unknown nonlinearity."),
    };

    /// <summary>
    /// (fan in, fan out) of a weight: for shape (out, in, k…), fan in = in·∏k and fan out = out·∏k
    /// (PyTorch's <c>_calculate_fan_in_and_fan_out</c>).
    /// </summary>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2)
        {
            throw new ArgumentException($"Init: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape [{string.Join(", ", tensor.Shape)}]).", nameof(tensor));
        }
        int receptive = 1;
        for (int d = 2; d < tensor.Rank; d++)
        {
            receptive *= tensor.Size(d);
        }
        return (tensor.Size(1) * receptive, tensor.Size(0) * receptive);
    }

    /// <summary>Fills with samples from U(<paramref name="low"/>, <paramref name="high"/>) (PyTorch's <c>uniform_</c>).</summary>
    public static Tensor UniformInPlace(Tensor tensor, double low = 0, double high = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!(low <= high))
        {
            throw new ArgumentException($"Init.UniformInPlace: expects low <= high, but got low={low} and high={high}.");
        }
        return Fill(tensor, Tensor.Rand(tensor.Shape, tensor.DType, generator) * (high - low) + low);
    }

    /// <summary>Fills with samples from N(<paramref name="mean"/>, <paramref name="std"/>²) (PyTorch's <c>normal_</c>).</summary>
    public static Tensor NormalInPlace(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!(std >= 0))
        {
            throw new ArgumentException($"Init.NormalInPlace: expects std >= 0.0, but found std {std}.");
        }
        return Fill(tensor, Tensor.Randn(tensor.Shape, tensor.DType, generator) * std + mean);
    }

    /// <summary>Fills with <paramref name="value"/> (PyTorch's <c>constant_</c>).</summary>
    public static Tensor ConstantInPlace(Tensor tensor, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using (Autograd.NoGrad())
        {
            tensor.FillInPlace(value);
        }
        return tensor;
    }

    /// <summary>Fills with zeros (PyTorch's <c>zeros_</c>).</summary>
    public static Tensor ZerosInPlace(Tensor tensor) => ConstantInPlace(tensor, 0);

    /// <summary>Fills with ones (PyTorch's <c>ones_</c>).</summary>
    public static Tensor OnesInPlace(Tensor tensor) => ConstantInPlace(tensor, 1);

    /// <summary>Glorot uniform: U(−a, a), a = gain·√(6 / (fan in + fan out)) (PyTorch's <c>xavier_uniform_</c>).</summary>
    public static Tensor XavierUniformInPlace(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        double bound = Math.Sqrt(3) * gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        return UniformInPlace(tensor, -bound, bound, generator);
    }

    /// <summary>Glorot normal: N(0, std²), std = gain·√(2 / (fan in + fan out)) (PyTorch's <c>xavier_normal_</c>).</summary>
    public static Tensor XavierNormalInPlace(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        return NormalInPlace(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), generator);
    }

    /// <summary>
    /// He uniform: U(−b, b), b = gain·√(3 / fan) with gain from <paramref name="nonlinearity"/> and slope <paramref name="a"/>
    /// (PyTorch's <c>kaiming_uniform_</c>). Linear and Conv2d use a = √5, which gives b = 1/√fan in.
    /// </summary>
    public static Tensor KaimingUniformInPlace(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
    {
        double std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        double bound = Math.Sqrt(3) * std;
        return UniformInPlace(tensor, -bound, bound, generator);
    }

    /// <summary>He normal: N(0, std²), std = gain / √fan (PyTorch's <c>kaiming_normal_</c>).</summary>
    public static Tensor KaimingNormalInPlace(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
        => NormalInPlace(tensor, 0, CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode)), generator);

    private static int Fan(Tensor tensor, FanMode mode)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        int fan = mode == FanMode.FanIn ? fanIn : fanOut;
        if (fan == 0)
        {
            throw new ArgumentException($"Init: cannot initialise a tensor of shape [{string.Join(", ", tensor.Shape)}]: its fan ({mode}) is 0.");
        }
        return fan;
    }

    private static Tensor Fill(Tensor tensor, Tensor values)
    {
        using (Autograd.NoGrad())
        {
            tensor.CopyFromInPlace(values.To(tensor.DType));
        }
        return tensor;
    }
}
