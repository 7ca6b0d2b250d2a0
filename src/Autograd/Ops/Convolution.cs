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
        DTypeCheck.RequireFloating("Conv2d", input, "slow_conv2d_cpu");
        DTypeCheck.RequireFloating("Conv2d", weight, "slow_conv2d_cpu");
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

    /// <summary>The convolution with a validated geometry.</summary>
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
        xc.DisposeIfCopyOf(x);
        wc.DisposeIfCopyOf(w);
        bc?.DisposeIfCopyOf(bias!);
        return ConvolutionDefinition.Record(r, [x, w, bias], g);
    }

    // dx = ConvInputGrad(g, w), dw = ConvWeightGrad(x, g), dbias = g summed over (N, H, W). Each of x and w is needed
    // only for the other's gradient, so it is saved only when the other requires grad. An absent bias is a constant
    // operand: its edge receives nothing (PyTorch's next_functions lists it as None too).
    private static readonly OpDefinition<ConvGeometry> ConvolutionDefinition = new("Conv2d", "ConvolutionBackward")
    {
        Differentiable = Operands.All,
        Saves = [Save.Input(0).IfRequiresGrad(1), Save.Input(1).IfRequiresGrad(0)],
        Backward = static c =>
        {
            // One contiguous copy of a strided gradient (an expanded Sum's) for the three uses, unless a graph is recorded.
            // The copy goes back to the pool once read: 8 MB a step for the 32→64 benchmark's Sum, garbage before.
            var g = Autograd.IsGradEnabled ? c.Grad : c.Grad.ContiguousRaw();
            var dx = c.NeedsGrad(0) ? ConvInputGrad(g, c.Input(1), c.Args) : null;
            Tensor?[] grads;
            if (c.NeedsGrad(1) && c.NeedsGrad(2) && !Autograd.IsGradEnabled)
            {
                // No graph to record: the bias gradient comes out of the weight gradient's pass over g.
                var (dw, db) = ConvWeightAndBiasGrad(c.Input(0), g, c.Args);
                grads = [dx, dw, db];
            }
            else
            {
                grads =
                [
                    dx,
                    c.NeedsGrad(1) ? ConvWeightGrad(c.Input(0), g, c.Args) : null,
                    c.NeedsGrad(2) ? g.Sum([0, 2, 3]) : null,
                ];
            }
            g.DisposeIfCopyOf(c.Grad);
            return grads;
        },
        // Bilinear in (x, w) plus the bias: conv(tx, w) + conv(x, tw) + tb, each term skipped when its tangent is missing.
        Jvp = static c =>
        {
            Tensor? t = c.Tangent(0) is null && c.Tangent(1) is null ? null : BilinearTangent(c, static (a, b, g) => Convolve(a, b, null, g));
            if (c.Tangent(2) is not { } tb)
            {
                return t;
            }
            var tbChannels = tb.Reshape(1, c.Args.OutChannels, 1, 1);
            return t is null ? tbChannels.Expand(c.Args.OutputShape) : t + tbChannels;
        },
        Attributes = static g => g.ToAttributes(),
    };

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
        gc.DisposeIfCopyOf(gy);
        wc.DisposeIfCopyOf(w);
        return ConvInputGradDefinition.Record(r, [gy, w], g);
    }

    // dx = I(gy, w): ⟨u, I(gy, w)⟩ = ⟨conv(u, w), gy⟩ = ⟨W(u, gy), w⟩, so d gy = conv(u, w) and dw = ConvWeightGrad(u, gy).
    private static readonly OpDefinition<ConvGeometry> ConvInputGradDefinition = new("Conv2dInputGrad", "ConvolutionBackwardBackward")
    {
        Differentiable = Operands.All,
        Saves = [Save.Input(0).IfRequiresGrad(1), Save.Input(1).IfRequiresGrad(0)],
        Backward = static c =>
        [
            c.NeedsGrad(0) ? Convolve(c.Grad, c.Input(1), null, c.Args) : null,
            c.NeedsGrad(1) ? ConvWeightGrad(c.Grad, c.Input(0), c.Args) : null,
        ],
        Jvp = static c => BilinearTangent(c, static (gy, w, g) => ConvInputGrad(gy, w, g)),
        Attributes = static g => g.ToAttributes(),
    };

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
        xc.DisposeIfCopyOf(x);
        gc.DisposeIfCopyOf(gy);
        return ConvWeightGradDefinition.Record(r, [x, gy], g);
    }

    /// <summary>
    /// The weight gradient and the bias gradient (gy summed over (N, OutH, OutW)) in one pass over gy, not recorded:
    /// for a backward that builds no graph. The bias gradient sums each sample's rows and then the samples, in another
    /// order than <c>gy.Sum([0, 2, 3])</c>, so it agrees with that to rounding, not bit for bit.
    /// </summary>
    private static (Tensor Weight, Tensor Bias) ConvWeightAndBiasGrad(Tensor x, Tensor gy, ConvGeometry g)
    {
        var xc = x.ContiguousRaw();
        var gc = gy.ContiguousRaw();
        var r = Empty(g.WeightShape, x.DType);
        var db = Empty([g.OutChannels], x.DType);
        if (x.DType == DType.Float32)
        {
            ConvKernel.WeightGrad(xc.Data<float>(), xc.Offset, gc.Data<float>(), gc.Offset, r.Data<float>(), g, db.Data<float>());
        }
        else
        {
            ConvKernel.WeightGrad(xc.Data<double>(), xc.Offset, gc.Data<double>(), gc.Offset, r.Data<double>(), g, db.Data<double>());
        }
        xc.DisposeIfCopyOf(x);
        gc.DisposeIfCopyOf(gy);
        return (r, db);
    }

    // dw = W(x, gy): ⟨v, W(x, gy)⟩ = ⟨conv(x, v), gy⟩ = ⟨I(gy, v), x⟩, so dx = ConvInputGrad(gy, v) and d gy = conv(x, v).
    private static readonly OpDefinition<ConvGeometry> ConvWeightGradDefinition = new("Conv2dWeightGrad", "ConvolutionBackwardBackward")
    {
        Differentiable = Operands.All,
        Saves = [Save.Input(0).IfRequiresGrad(1), Save.Input(1).IfRequiresGrad(0)],
        Backward = static c =>
        [
            c.NeedsGrad(0) ? ConvInputGrad(c.Input(1), c.Grad, c.Args) : null,
            c.NeedsGrad(1) ? Convolve(c.Input(0), c.Grad, null, c.Args) : null,
        ],
        Jvp = static c => BilinearTangent(c, static (x, gy, g) => ConvWeightGrad(x, gy, g)),
        Attributes = static g => g.ToAttributes(),
    };
}
