using MiniTorch.Kernels;

namespace MiniTorch;

// Pooling as primitives. Max pooling keeps the argmax of every window (PyTorch's indices) and its backward scatters to
// them; that scatter and the gather from the same indices are adjoint linear maps, so each is the other's backward and
// max pooling has derivatives of any order. Average pooling is linear, its backward is its adjoint, whose backward is
// the pool again.
public partial class Tensor
{
    /// <summary>
    /// 2-D max pooling of (N, C, H, W) or (C, H, W) (PyTorch's <c>F.max_pool2d</c>): the maximum of every window, the
    /// gradient flowing to the first maximum of each window (a NaN counts as the maximum), as in PyTorch. Padding is
    /// implicit −∞ and never the maximum.
    /// </summary>
    /// <param name="kernelSize">The window (height, width).</param>
    /// <param name="stride">The step between windows; the kernel size if null (PyTorch's default).</param>
    /// <param name="padding">Implicit −∞ padding on each side, at most half the kernel; (0, 0) if null.</param>
    /// <param name="dilation">The spacing between window elements; (1, 1) if null.</param>
    /// <param name="ceilMode">Round the output size up instead of down, so the last window may hang over the input's end.</param>
    public Tensor MaxPool2d((int Height, int Width) kernelSize, (int Height, int Width)? stride = null, (int Height, int Width)? padding = null,
        (int Height, int Width)? dilation = null, bool ceilMode = false)
    {
        DTypeCheck.RequireFloating("MaxPool2d", this, "max_pool2d");
        if (Rank == 3)
        {
            return Unsqueeze(0).MaxPool2d(kernelSize, stride, padding, dilation, ceilMode).Squeeze(0);
        }
        var s = stride ?? kernelSize;
        var p = padding ?? (0, 0);
        var d = dilation ?? (1, 1);
        var (outH, outW) = PoolOutputSize("MaxPool2d", kernelSize, s, p, d, ceilMode);
        var g = new MaxPoolGeometry(_shape[0] * _shape[1], _shape[2], _shape[3], kernelSize.Height, kernelSize.Width, s.Height, s.Width,
            p.Height, p.Width, d.Height, d.Width, outH, outW);
        var src = ContiguousRaw();
        var r = Empty([_shape[0], _shape[1], outH, outW], DType);
        // The argmax is read only by the backward and the forward-mode tangent; without either (inference) it is not kept.
        bool keepIndex = (RequiresGrad && Autograd.IsGradEnabled) || ForwardAD.IsActive;
        var indices = keepIndex ? new PoolIndices(Empty([_shape[0], _shape[1], outH, outW], DType.Int32), g) : null;
        if (DType == DType.Float32)
        {
            PoolKernel.MaxForward(src.Data<float>(), src.Offset, r.Data<float>(), indices?.Index, g);
        }
        else
        {
            PoolKernel.MaxForward(src.Data<double>(), src.Offset, r.Data<double>(), indices?.Index, g);
        }
        src.DisposeIfCopyOf(this);
        if (indices is not null)
        {
            // The same map as reading an input at the argmax, but its backward also takes this input, as libtorch's; traced as itself.
            MaxPoolDefinition.Record(r, [this], indices);
        }
        return MaxPool2dDefinition.Record(r, [this], (kernelSize, s, p, d, ceilMode));
    }

    private static readonly OpDefinition<((int, int) Kernel, (int, int) Stride, (int, int) Padding, (int, int) Dilation, bool CeilMode)> MaxPool2dDefinition = new("MaxPool2d")
    {
        Attributes = static a => new OpAttributes
        {
            { "kernelSize", new[] { a.Kernel.Item1, a.Kernel.Item2 } },
            { "stride", new[] { a.Stride.Item1, a.Stride.Item2 } },
            { "padding", new[] { a.Padding.Item1, a.Padding.Item2 } },
            { "dilation", new[] { a.Dilation.Item1, a.Dilation.Item2 } },
            { "ceilMode", a.CeilMode },
        },
    };

    /// <summary>
    /// 2-D average pooling of (N, C, H, W) or (C, H, W) (PyTorch's <c>F.avg_pool2d</c>). Each window is clipped to the
    /// padded input; with <paramref name="countIncludePad"/> (the default) the padded zeros count in the divisor,
    /// otherwise only the elements inside the input do.
    /// </summary>
    /// <param name="kernelSize">The window (height, width).</param>
    /// <param name="stride">The step between windows; the kernel size if null (PyTorch's default).</param>
    /// <param name="padding">Implicit zero padding on each side, at most half the kernel; (0, 0) if null.</param>
    /// <param name="ceilMode">Round the output size up instead of down, so the last window may hang over the input's end.</param>
    /// <param name="countIncludePad">Whether padded zeros count in the average.</param>
    public Tensor AvgPool2d((int Height, int Width) kernelSize, (int Height, int Width)? stride = null, (int Height, int Width)? padding = null,
        bool ceilMode = false, bool countIncludePad = true)
    {
        DTypeCheck.RequireFloating("AvgPool2d", this, "avg_pool2d");
        if (Rank == 3)
        {
            return Unsqueeze(0).AvgPool2d(kernelSize, stride, padding, ceilMode, countIncludePad).Squeeze(0);
        }
        var s = stride ?? kernelSize;
        var p = padding ?? (0, 0);
        var (outH, outW) = PoolOutputSize("AvgPool2d", kernelSize, s, p, (1, 1), ceilMode);
        var rows = PoolAxis.Window(_shape[2], kernelSize.Height, s.Height, p.Height, outH, countIncludePad);
        var cols = PoolAxis.Window(_shape[3], kernelSize.Width, s.Width, p.Width, outW, countIncludePad);
        return AvgPool2dDefinition.Record(AveragePool(this, rows, cols), [this], (kernelSize, s, p, ceilMode, countIncludePad));
    }

    // Recorded by AveragePool; traced as itself.
    private static readonly OpDefinition<((int, int) Kernel, (int, int) Stride, (int, int) Padding, bool CeilMode, bool CountIncludePad)> AvgPool2dDefinition = new("AvgPool2d")
    {
        Attributes = static a => new OpAttributes
        {
            { "kernelSize", new[] { a.Kernel.Item1, a.Kernel.Item2 } },
            { "stride", new[] { a.Stride.Item1, a.Stride.Item2 } },
            { "padding", new[] { a.Padding.Item1, a.Padding.Item2 } },
            { "ceilMode", a.CeilMode },
            { "countIncludePad", a.CountIncludePad },
        },
    };

    /// <summary>
    /// 2-D adaptive average pooling of (N, C, H, W) or (C, H, W) to a fixed (OutH, OutW) whatever the input's size
    /// (PyTorch's <c>F.adaptive_avg_pool2d</c>): output (i, j) averages rows [⌊i·H/OutH⌋, ⌈(i+1)·H/OutH⌉) and columns
    /// [⌊j·W/OutW⌋, ⌈(j+1)·W/OutW⌉). An output of (1, 1) is a global average pool.
    /// </summary>
    /// <param name="outputSize">The output (height, width).</param>
    public Tensor AdaptiveAvgPool2d((int Height, int Width) outputSize)
    {
        DTypeCheck.RequireFloating("AdaptiveAvgPool2d", this);
        if (Rank == 3)
        {
            return Unsqueeze(0).AdaptiveAvgPool2d(outputSize).Squeeze(0);
        }
        if (Rank != 4)
        {
            throw new ArgumentException($"AdaptiveAvgPool2d: expected 3D or 4D (batch mode) tensor, but got input of shape {Shapes.Format(_shape)}.");
        }
        if (outputSize.Height <= 0 || outputSize.Width <= 0)
        {
            throw new ArgumentException($"AdaptiveAvgPool2d: output size must be positive, got ({outputSize.Height}, {outputSize.Width}).");
        }
        if (_shape[1] == 0 || _shape[2] == 0 || _shape[3] == 0)
        {
            throw new ArgumentException($"AdaptiveAvgPool2d: expected input to have non-zero size for non-batch dimensions, but input has shape {Shapes.Format(_shape)}.");
        }
        var r = AveragePool(this, PoolAxis.Adaptive(_shape[2], outputSize.Height), PoolAxis.Adaptive(_shape[3], outputSize.Width));
        return AdaptiveAvgPool2dDefinition.Record(r, [this], outputSize);
    }

    // Recorded by AveragePool; traced as itself.
    private static readonly OpDefinition<(int Height, int Width)> AdaptiveAvgPool2dDefinition = new("AdaptiveAvgPool2d")
    {
        Attributes = static size => new OpAttributes { { "outputSize", new[] { size.Height, size.Width } } },
    };

    /// <summary>Checks a pool's input and settings as PyTorch does and returns the output size.</summary>
    private (int Height, int Width) PoolOutputSize(string op, (int Height, int Width) kernel, (int Height, int Width) stride,
        (int Height, int Width) padding, (int Height, int Width) dilation, bool ceilMode)
    {
        if (Rank != 4)
        {
            throw new ArgumentException($"{op}: expected 3D or 4D (batch mode) tensor, but got input of shape {Shapes.Format(_shape)}.");
        }
        if (kernel.Height <= 0 || kernel.Width <= 0 || stride.Height <= 0 || stride.Width <= 0 || dilation.Height <= 0 || dilation.Width <= 0
            || padding.Height < 0 || padding.Width < 0)
        {
            throw new ArgumentException($"{op}: kernel size, stride and dilation must be positive and padding non-negative; got kernel ({kernel.Height}, {kernel.Width}), stride ({stride.Height}, {stride.Width}), padding ({padding.Height}, {padding.Width}), dilation ({dilation.Height}, {dilation.Width}).");
        }
        if (padding.Height > kernel.Height / 2 || padding.Width > kernel.Width / 2)
        {
            throw new ArgumentException($"{op}: pad should be at most half of the kernel size, but got padding ({padding.Height}, {padding.Width}) for kernel ({kernel.Height}, {kernel.Width}).");
        }
        long outH = PoolAxis.OutputLength(_shape[2], kernel.Height, stride.Height, padding.Height, dilation.Height, ceilMode);
        long outW = PoolAxis.OutputLength(_shape[3], kernel.Width, stride.Width, padding.Width, dilation.Width, ceilMode);
        if (outH < 1 || outW < 1)
        {
            throw new ArgumentException($"{op}: given input size ({_shape[1]}x{_shape[2]}x{_shape[3]}), calculated output size ({_shape[1]}x{outH}x{outW}) is too small (kernel ({kernel.Height}, {kernel.Width}), stride ({stride.Height}, {stride.Width}), padding ({padding.Height}, {padding.Width}), dilation ({dilation.Height}, {dilation.Width})).");
        }
        return ((int)outH, (int)outW);
    }

    /// <summary>An averaging pool over validated windows; linear: its backward is its adjoint, its tangent the pool of the tangent.</summary>
    internal static Tensor AveragePool(Tensor x, PoolAxis rows, PoolAxis cols)
    {
        var src = x.ContiguousRaw();
        int planes = x._shape[0] * x._shape[1];
        var r = Empty([x._shape[0], x._shape[1], rows.Out, cols.Out], x.DType);
        if (x.DType == DType.Float32)
        {
            PoolKernel.AverageForward(src.Data<float>(), src.Offset, r.Data<float>(), planes, rows, cols);
        }
        else
        {
            PoolKernel.AverageForward(src.Data<double>(), src.Offset, r.Data<double>(), planes, rows, cols);
        }
        src.DisposeIfCopyOf(x);
        return AveragePoolDefinition.Record(r, [x], (rows, cols));
    }

    private static readonly OpDefinition<(PoolAxis Rows, PoolAxis Cols)> AveragePoolDefinition = new(null, "AvgPool2DBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [AveragePoolAdjoint(c.Grad, c.Args.Rows, c.Args.Cols)],
        Jvp = static c => AveragePool(c.Tangent(0)!, c.Args.Rows, c.Args.Cols),
    };

    /// <summary>The adjoint of <see cref="AveragePool"/>: each gradient over its divisor, spread over its window.</summary>
    internal static Tensor AveragePoolAdjoint(Tensor gy, PoolAxis rows, PoolAxis cols)
    {
        var src = gy.ContiguousRaw();
        int planes = gy._shape[0] * gy._shape[1];
        var r = Empty([gy._shape[0], gy._shape[1], rows.Size, cols.Size], gy.DType);
        if (gy.DType == DType.Float32)
        {
            PoolKernel.AverageAdjoint(src.Data<float>(), src.Offset, r.Data<float>(), planes, rows, cols);
        }
        else
        {
            PoolKernel.AverageAdjoint(src.Data<double>(), src.Offset, r.Data<double>(), planes, rows, cols);
        }
        src.DisposeIfCopyOf(gy);
        return AveragePoolAdjointDefinition.Record(r, [gy], (rows, cols));
    }

    private static readonly OpDefinition<(PoolAxis Rows, PoolAxis Cols)> AveragePoolAdjointDefinition = new(null, "AvgPool2DBackwardBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [AveragePool(c.Grad, c.Args.Rows, c.Args.Cols)],
        Jvp = static c => AveragePoolAdjoint(c.Tangent(0)!, c.Args.Rows, c.Args.Cols),
    };

    /// <summary>Scatters <paramref name="gy"/> (N, C, OutH, OutW) to a max pool's argmax positions in zeros of <paramref name="inputShape"/>.</summary>
    internal static Tensor MaxPoolScatter(Tensor gy, PoolIndices indices, int[] inputShape) =>
        MaxPoolScatterDefinition.Record(MaxPoolScatterKernel(gy, indices, inputShape), [gy], indices);

    private static Tensor MaxPoolScatterKernel(Tensor gy, PoolIndices indices, int[] inputShape)
    {
        var src = gy.ContiguousRaw();
        var r = Empty(inputShape, gy.DType);
        if (gy.DType == DType.Float32)
        {
            PoolKernel.MaxScatter(src.Data<float>(), src.Offset, r.Data<float>(), indices.Index, indices.Geometry);
        }
        else
        {
            PoolKernel.MaxScatter(src.Data<double>(), src.Offset, r.Data<double>(), indices.Index, indices.Geometry);
        }
        src.DisposeIfCopyOf(gy);
        return r;
    }

    // The argmax positions are the pool's own (an int array no user code can reach), so they need no version check.
    private static readonly OpDefinition<PoolIndices> MaxPoolScatterDefinition = new(null, "MaxPool2DWithIndicesBackwardBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [MaxPoolGather(c.Grad, c.Args)],
        Jvp = static c => MaxPoolScatter(c.Tangent(0)!, c.Args, c.Output().ShapeArray),
    };

    // Max pooling's own node. Its backward is libtorch's max_pool2d_with_indices_backward(grad, self, indices): the
    // scatter, differentiable in self too with a zero gradient, so a first-order gradient built with createGraph
    // requires grad and differentiates to zeros, as in PyTorch. Saving the input costs nothing extra in the usual
    // conv → relu → pool, where ReLU saves the same tensor.
    private static readonly OpDefinition<PoolIndices> MaxPoolDefinition = new(null, "MaxPool2DWithIndicesBackward")
    {
        Differentiable = Operands.First,
        Saves = [Save.Input(0)],
        Backward = static c => [MaxPoolBackward(c.Grad, c.Input(0), c.Args)],
        Jvp = static c => MaxPoolGather(c.Tangent(0)!, c.Args),
    };

    /// <summary>Max pooling's backward: <paramref name="gy"/> scattered to the argmax positions of <paramref name="input"/>'s windows.</summary>
    private static Tensor MaxPoolBackward(Tensor gy, Tensor input, PoolIndices indices) =>
        MaxPoolBackwardDefinition.Record(MaxPoolScatterKernel(gy, indices, input.ShapeArray), [gy, input], indices);

    private static readonly OpDefinition<PoolIndices> MaxPoolBackwardDefinition = new(null, "MaxPool2DWithIndicesBackwardBackward")
    {
        Differentiable = Operands.All,
        Backward = static c => [c.NeedsGrad(0) ? MaxPoolGather(c.Grad, c.Args) : null, c.NeedsGrad(1) ? Zeros(c.InputShape(1), c.Grad.DType) : null],
        // The input's tangent contributes nothing (the argmax is piecewise constant).
        Jvp = static c => c.Tangent(0) is { } t ? MaxPoolScatter(t, c.Args, c.Output().ShapeArray) : null,
    };

    /// <summary>Reads <paramref name="u"/> (N, C, H, W) at a max pool's argmax positions: (N, C, OutH, OutW).</summary>
    internal static Tensor MaxPoolGather(Tensor u, PoolIndices indices)
    {
        var g = indices.Geometry;
        var src = u.ContiguousRaw();
        var r = Empty([u._shape[0], u._shape[1], g.OutH, g.OutW], u.DType);
        if (u.DType == DType.Float32)
        {
            PoolKernel.MaxGather(src.Data<float>(), src.Offset, r.Data<float>(), indices.Index, g);
        }
        else
        {
            PoolKernel.MaxGather(src.Data<double>(), src.Offset, r.Data<double>(), indices.Index, g);
        }
        src.DisposeIfCopyOf(u);
        return MaxPoolGatherDefinition.Record(r, [u], indices);
    }

    // Piecewise linear: the tangent is the input's tangent read at the argmax, the gradient scattered back to it.
    private static readonly OpDefinition<PoolIndices> MaxPoolGatherDefinition = new(null, "MaxPool2DWithIndicesBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [MaxPoolScatter(c.Grad, c.Args, c.InputShape(0))],
        Jvp = static c => MaxPoolGather(c.Tangent(0)!, c.Args),
    };
}
