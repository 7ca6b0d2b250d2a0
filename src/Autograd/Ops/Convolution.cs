using MiniTorch.Kernels;

namespace MiniTorch;

// Convolution as a primitive: the forward and its two adjoints (the input gradient, a transposed convolution, and the
// weight gradient, a correlation of the input with the output gradient). Each of the three is bilinear in its two
// tensor arguments and the adjoint of each in either argument is another of the three, so the backward of every one
// is built from the other two: derivatives of any order stay convolutions, with no column matrix of the whole batch.
public partial class Tensor
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as in every deep-learning library) of input (N, C, H, W), or unbatched
    /// (C, H, W), with weight (O, C / groups, kh, kw) plus an optional bias (O), giving (N, O, OutH, OutW) (PyTorch's
    /// <c>torch.nn.functional.conv2d</c>). With <paramref name="groups"/> G the channels split into G independent
    /// groups: group g's O / G filters see only input channels [g·C/G, (g+1)·C/G); G = C = O is a depthwise convolution.
    /// OutH = ⌊(H + 2·padH − dilationH·(kh − 1) − 1) / strideH⌋ + 1, likewise OutW.
    /// </summary>
    /// <param name="input">The input, (N, C, H, W) or (C, H, W).</param>
    /// <param name="weight">The filters, (O, C / groups, kh, kw).</param>
    /// <param name="bias">A value per output channel, (O); null for none.</param>
    /// <param name="stride">The step between windows; (1, 1) if null.</param>
    /// <param name="padding">Zeros added on each side; (0, 0) if null.</param>
    /// <param name="dilation">The spacing between filter taps; (1, 1) if null.</param>
    /// <param name="groups">How many channel groups; both C and O must be divisible by it.</param>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, (int Height, int Width)? stride = null,
        (int Height, int Width)? padding = null, (int Height, int Width)? dilation = null, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.Rank == 3)
        {
            // PyTorch's unbatched form: a batch of one, squeezed again.
            return Conv2d(input.Unsqueeze(0), weight, bias, stride, padding, dilation, groups).Squeeze(0);
        }
        var g = ConvGeometryOf(input, weight, bias, stride, padding, dilation, groups);
        return Convolve(input, weight, bias, g);
    }

    private static ConvGeometry ConvGeometryOf(Tensor input, Tensor weight, Tensor? bias, (int Height, int Width)? stride,
        (int Height, int Width)? padding, (int Height, int Width)? dilation, int groups)
    {
        // The checks and messages follow PyTorch's conv2d.
        if (input.Rank != 4)
        {
            throw new ArgumentException($"Conv2d: expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size {Shapes.Format(input._shape)}.");
        }
        if (weight.Rank != 4)
        {
            throw new ArgumentException($"Conv2d: expected a 4-D weight (O, C / groups, kh, kw), but got weight of size {Shapes.Format(weight._shape)}.");
        }
        Elementwise.CheckSameDType("Conv2d", input, weight);
        if (groups <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Conv2d: non-positive groups is not supported (groups = {groups}).");
        }
        int o = weight._shape[0];
        if (o % groups != 0)
        {
            throw new ArgumentException($"Conv2d: given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size {Shapes.Format(weight._shape)} instead.");
        }
        int c = input._shape[1];
        if (c != weight._shape[1] * groups)
        {
            throw new ArgumentException($"Conv2d: given groups={groups}, weight of size {Shapes.Format(weight._shape)}, expected input {Shapes.Format(input._shape)} to have {weight._shape[1] * groups} channels, but got {c} channels instead.");
        }
        if (bias is not null)
        {
            Elementwise.CheckSameDType("Conv2d", input, bias);
            if (bias.Rank != 1 || bias._shape[0] != o)
            {
                throw new ArgumentException($"Conv2d: given weight of size {Shapes.Format(weight._shape)}, expected bias to be 1-dimensional with {o} elements, but got bias of size {Shapes.Format(bias._shape)} instead.");
            }
        }
        var window = WindowGeometryOf("Conv2d", 1, c / groups, input._shape[2], input._shape[3], (weight._shape[2], weight._shape[3]), stride, padding, dilation);
        return new ConvGeometry(window, input._shape[0], o, groups);
    }

    /// <summary>The convolution with a validated geometry; records <see cref="ConvolutionBackward"/>, the tangent and the trace.</summary>
    internal static Tensor Convolve(Tensor x, Tensor w, Tensor? bias, ConvGeometry g)
    {
        var xc = x.ContiguousRaw();
        var wc = w.ContiguousRaw();
        var bc = bias?.ContiguousRaw();
        var r = Empty(g.OutputShape, x.DType);
        if (x.DType == DType.Float32)
        {
            ConvKernel.Forward(xc.Data<float>(), xc.Offset, wc.Data<float>(), wc.Offset, bc?.Data<float>(), bc?.Offset ?? 0, r.Data<float>(), g);
        }
        else
        {
            ConvKernel.Forward(xc.Data<double>(), xc.Offset, wc.Data<double>(), wc.Offset, bc?.Data<double>(), bc?.Offset ?? 0, r.Data<double>(), g);
        }
        if (bias is null ? Node.IsNeeded(x, w) : Node.IsNeeded([x, w, bias]))
        {
            var node = new ConvolutionBackward(x, w, g);
            if (bias is null)
            {
                node.Connect(r, x, w);
            }
            else
            {
                node.Connect(r, [x, w, bias]);
            }
        }
        if (ForwardAD.IsActive)
        {
            ConvolutionJvp(r, x, w, bias, g);
        }
        if (Tracing.IsActive)
        {
            Tracing.Record("Conv2d", [r], [x, w, bias], g.ToAttributes());
        }
        return r;
    }

    /// <summary>The input gradient of a convolution, conv's adjoint in x: a transposed convolution of <paramref name="gy"/> with <paramref name="w"/>.</summary>
    internal static Tensor ConvInputGrad(Tensor gy, Tensor w, ConvGeometry g)
    {
        var gc = gy.ContiguousRaw();
        var wc = w.ContiguousRaw();
        var r = Empty(g.InputShape, gy.DType);
        if (gy.DType == DType.Float32)
        {
            ConvKernel.InputGrad(gc.Data<float>(), gc.Offset, wc.Data<float>(), wc.Offset, r.Data<float>(), g);
        }
        else
        {
            ConvKernel.InputGrad(gc.Data<double>(), gc.Offset, wc.Data<double>(), wc.Offset, r.Data<double>(), g);
        }
        if (Node.IsNeeded(gy, w))
        {
            new ConvInputGradBackward(gy, w, g).Connect(r, gy, w);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Binary(r, gy, w, (tg, tw, gy, w, _) => MatmulBackward.Jvp(tg, tw, gy, w, (a, b) => ConvInputGrad(a, b, g)));
        }
        if (Tracing.IsActive)
        {
            Tracing.Record("Conv2dInputGrad", [r], [gy, w], g.ToAttributes());
        }
        return r;
    }

    /// <summary>The weight gradient of a convolution, conv's adjoint in w: Σ over samples of gy·columns(x)ᵀ.</summary>
    internal static Tensor ConvWeightGrad(Tensor x, Tensor gy, ConvGeometry g)
    {
        var xc = x.ContiguousRaw();
        var gc = gy.ContiguousRaw();
        var r = Empty(g.WeightShape, x.DType);
        if (x.DType == DType.Float32)
        {
            ConvKernel.WeightGrad(xc.Data<float>(), xc.Offset, gc.Data<float>(), gc.Offset, r.Data<float>(), g);
        }
        else
        {
            ConvKernel.WeightGrad(xc.Data<double>(), xc.Offset, gc.Data<double>(), gc.Offset, r.Data<double>(), g);
        }
        if (Node.IsNeeded(x, gy))
        {
            new ConvWeightGradBackward(x, gy, g).Connect(r, x, gy);
        }
        if (ForwardAD.IsActive)
        {
            Jvp.Binary(r, x, gy, (tx, tg, x, gy, _) => MatmulBackward.Jvp(tx, tg, x, gy, (a, b) => ConvWeightGrad(a, b, g)));
        }
        if (Tracing.IsActive)
        {
            Tracing.Record("Conv2dWeightGrad", [r], [x, gy], g.ToAttributes());
        }
        return r;
    }

    // Bilinear in (x, w) plus the bias: conv(tx, w) + conv(x, tw) + tb, each term skipped when its tangent is missing.
    private static void ConvolutionJvp(Tensor r, Tensor x, Tensor w, Tensor? bias, ConvGeometry g)
    {
        var tx = ForwardAD.TangentOf(x);
        var tw = ForwardAD.TangentOf(w);
        var tb = bias is null ? null : ForwardAD.TangentOf(bias);
        if (tx is null && tw is null && tb is null)
        {
            return;
        }
        using var jvp = ForwardAD.Suspend();
        Tensor? t = tx is null && tw is null ? null : MatmulBackward.Jvp(tx, tw, x, w, (a, b) => Convolve(a, b, null, g));
        if (tb is not null)
        {
            var tbChannels = tb.Reshape(1, g.OutChannels, 1, 1);
            t = t is null ? tbChannels.Expand(g.OutputShape) : t + tbChannels;
        }
        jvp.SetTangent(r, t!);
    }
}

/// <summary>Backward of a convolution: dx = ConvInputGrad(g, w), dw = ConvWeightGrad(x, g), dbias = g summed over (N, H, W).</summary>
internal sealed class ConvolutionBackward : Node
{
    private readonly ConvGeometry _geometry;
    private SavedTensor _x;
    private SavedTensor _w;

    public ConvolutionBackward(Tensor x, Tensor w, ConvGeometry geometry)
    {
        _geometry = geometry;
        // Each gradient needs only the other operand: save an input only when the other one requires grad.
        if (w.RequiresGrad)
        {
            _x = new SavedTensor(x);
        }
        if (x.RequiresGrad)
        {
            _w = new SavedTensor(w);
        }
    }

    public override string Name => "ConvolutionBackward";

    internal override Tensor?[] Apply(Tensor g)
    {
        // One contiguous copy of a strided gradient (an expanded Sum's) for the three uses, unless a graph is recorded.
        g = Autograd.IsGradEnabled ? g : g.ContiguousRaw();
        var dx = NeedsInputGrad(0) ? Tensor.ConvInputGrad(g, _w.Unpack(this), _geometry) : null;
        var dw = NeedsInputGrad(1) ? Tensor.ConvWeightGrad(_x.Unpack(this), g, _geometry) : null;
        if (Edges.Length == 2)
        {
            return [dx, dw];
        }
        return [dx, dw, NeedsInputGrad(2) ? g.Sum([0, 2, 3]) : null];
    }

    internal override void ReleaseSavedTensors()
    {
        _x.Release();
        _w.Release();
    }
}

/// <summary>
/// Backward of the input gradient dx = I(gy, w): ⟨u, I(gy, w)⟩ = ⟨conv(u, w), gy⟩ = ⟨W(u, gy), w⟩, so
/// d gy = conv(u, w) and dw = ConvWeightGrad(u, gy).
/// </summary>
internal sealed class ConvInputGradBackward : Node
{
    private readonly ConvGeometry _geometry;
    private SavedTensor _gy;
    private SavedTensor _w;

    public ConvInputGradBackward(Tensor gy, Tensor w, ConvGeometry geometry)
    {
        _geometry = geometry;
        if (w.RequiresGrad)
        {
            _gy = new SavedTensor(gy);
        }
        if (gy.RequiresGrad)
        {
            _w = new SavedTensor(w);
        }
    }

    public override string Name => "ConvolutionBackwardBackward";

    internal override Tensor?[] Apply(Tensor u) =>
    [
        NeedsInputGrad(0) ? Tensor.Convolve(u, _w.Unpack(this), null, _geometry) : null,
        NeedsInputGrad(1) ? Tensor.ConvWeightGrad(u, _gy.Unpack(this), _geometry) : null,
    ];

    internal override void ReleaseSavedTensors()
    {
        _gy.Release();
        _w.Release();
    }
}

/// <summary>
/// Backward of the weight gradient dw = W(x, gy): ⟨v, W(x, gy)⟩ = ⟨conv(x, v), gy⟩ = ⟨I(gy, v), x⟩, so
/// dx = ConvInputGrad(gy, v) and d gy = conv(x, v).
/// </summary>
internal sealed class ConvWeightGradBackward : Node
{
    private readonly ConvGeometry _geometry;
    private SavedTensor _x;
    private SavedTensor _gy;

    public ConvWeightGradBackward(Tensor x, Tensor gy, ConvGeometry geometry)
    {
        _geometry = geometry;
        if (gy.RequiresGrad)
        {
            _x = new SavedTensor(x);
        }
        if (x.RequiresGrad)
        {
            _gy = new SavedTensor(gy);
        }
    }

    public override string Name => "ConvolutionBackwardBackward";

    internal override Tensor?[] Apply(Tensor v) =>
    [
        NeedsInputGrad(0) ? Tensor.ConvInputGrad(_gy.Unpack(this), v, _geometry) : null,
        NeedsInputGrad(1) ? Tensor.Convolve(_x.Unpack(this), v, null, _geometry) : null,
    ];

    internal override void ReleaseSavedTensors()
    {
        _x.Release();
        _gy.Release();
    }
}
