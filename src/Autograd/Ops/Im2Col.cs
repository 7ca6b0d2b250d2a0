using MiniTorch.Kernels;

namespace MiniTorch;

// Sliding windows as a matrix (PyTorch's F.unfold / F.fold). A convolution becomes one matrix product with the
// column matrix, and pooling a reduction over its rows. The two ops are adjoint linear maps, so each one's
// backward is the other and derivatives of any order come for free.
public partial class Tensor
{
    /// <summary>
    /// Extracts sliding windows of an input (N, C, H, W) into columns (N, C·kh·kw, L), L = the number of window
    /// positions (PyTorch's <c>F.unfold</c>, "im2col"). Row (c·kh + i)·kw + j holds, for every position, the element
    /// at kernel offset (i, j) of channel c. Differentiable; the gradient is <see cref="Col2Im"/>.
    /// </summary>
    /// <param name="kernelSize">The window (height, width).</param>
    /// <param name="stride">The step between windows; (1, 1) if null.</param>
    /// <param name="padding">Implicit padding on each side; (0, 0) if null.</param>
    /// <param name="dilation">The spacing between window elements; (1, 1) if null.</param>
    /// <param name="padValue">The value read in the padding (0 for convolution, −∞ for max pooling); it receives no gradient.</param>
    public Tensor Im2Col((int Height, int Width) kernelSize, (int Height, int Width)? stride = null,
        (int Height, int Width)? padding = null, (int Height, int Width)? dilation = null, double padValue = 0)
    {
        DTypeCheck.RequireFloating("Im2Col", this, "im2col_out_cpu");
        if (Rank != 4)
        {
            throw new ArgumentException($"Im2Col: expected a 4-D input (N, C, H, W), got shape {Shapes.Format(_shape)}.");
        }
        var g = WindowGeometryOf("Im2Col", _shape[0], _shape[1], _shape[2], _shape[3], kernelSize, stride, padding, dilation);
        return Im2ColDefinition.Record(Unfold(this, g, padValue), [this], (g, padValue));
    }

    // Recorded by Unfold; traced as itself.
    private static readonly OpDefinition<(WindowGeometry Geometry, double PadValue)> Im2ColDefinition = new("Im2Col")
    {
        Attributes = static a =>
        {
            var attributes = a.Geometry.ToAttributes();
            attributes.Add("padValue", a.PadValue);
            return attributes;
        },
    };

    /// <summary>
    /// Sums columns (N, C·kh·kw, L) back into an image (N, C, H, W) of <paramref name="outputSize"/> (PyTorch's
    /// <c>F.fold</c>, "col2im"): every column entry is added at the input position <see cref="Im2Col"/> read it from,
    /// so overlapping windows accumulate. It is the adjoint of Im2Col with the same geometry. Differentiable.
    /// </summary>
    /// <param name="outputSize">The image (height, width).</param>
    /// <param name="kernelSize">The window (height, width).</param>
    /// <param name="stride">The step between windows; (1, 1) if null.</param>
    /// <param name="padding">Implicit padding on each side; (0, 0) if null.</param>
    /// <param name="dilation">The spacing between window elements; (1, 1) if null.</param>
    public Tensor Col2Im((int Height, int Width) outputSize, (int Height, int Width) kernelSize, (int Height, int Width)? stride = null,
        (int Height, int Width)? padding = null, (int Height, int Width)? dilation = null)
    {
        DTypeCheck.RequireFloating("Col2Im", this, "col2im_out_cpu");
        if (Rank != 3)
        {
            throw new ArgumentException($"Col2Im: expected a 3-D input (N, C·kh·kw, L), got shape {Shapes.Format(_shape)}.");
        }
        int window = kernelSize.Height * kernelSize.Width;
        if (kernelSize.Height <= 0 || kernelSize.Width <= 0 || _shape[1] % window != 0)
        {
            throw new ArgumentException($"Col2Im: expected size of input's dimension 1 ({_shape[1]}) to be divisible by the product of kernelSize ({kernelSize.Height} x {kernelSize.Width}); input shape {Shapes.Format(_shape)}.");
        }
        var g = WindowGeometryOf("Col2Im", _shape[0], _shape[1] / window, outputSize.Height, outputSize.Width, kernelSize, stride, padding, dilation);
        if (g.Positions != _shape[2])
        {
            throw new ArgumentException($"Col2Im: given output size ({outputSize.Height} x {outputSize.Width}), kernel ({g.KernelH} x {g.KernelW}), stride ({g.StrideH}, {g.StrideW}), padding ({g.PadH}, {g.PadW}) and dilation ({g.DilationH}, {g.DilationW}), expected size of input's dimension 2 to be {g.Positions} ({g.OutH} x {g.OutW} windows), but got {_shape[2]} (shape {Shapes.Format(_shape)}).");
        }
        return Col2ImDefinition.Record(Fold(this, g), [this], g);
    }

    // Recorded by Fold; traced as itself.
    private static readonly OpDefinition<WindowGeometry> Col2ImDefinition = new("Col2Im")
    {
        Attributes = static g =>
        {
            var attributes = g.ToAttributes();
            attributes.Add("outputSize", new[] { g.H, g.W });
            return attributes;
        },
    };

    private static WindowGeometry WindowGeometryOf(string op, int n, int c, int h, int w, (int Height, int Width) kernel,
        (int Height, int Width)? stride, (int Height, int Width)? padding, (int Height, int Width)? dilation)
    {
        var s = stride ?? (1, 1);
        var p = padding ?? (0, 0);
        var d = dilation ?? (1, 1);
        if (kernel.Height <= 0 || kernel.Width <= 0 || s.Height <= 0 || s.Width <= 0 || d.Height <= 0 || d.Width <= 0 || p.Height < 0 || p.Width < 0)
        {
            throw new ArgumentException($"{op}: kernel size, stride and dilation must be positive and padding non-negative; got kernel ({kernel.Height}, {kernel.Width}), stride ({s.Height}, {s.Width}), padding ({p.Height}, {p.Width}), dilation ({d.Height}, {d.Width}).");
        }
        var g = new WindowGeometry(n, c, h, w, kernel.Height, kernel.Width, s.Height, s.Width, p.Height, p.Width, d.Height, d.Width);
        long spanH = (long)d.Height * (kernel.Height - 1) + 1;
        long spanW = (long)d.Width * (kernel.Width - 1) + 1;
        if (spanH > h + 2L * p.Height || spanW > w + 2L * p.Width)
        {
            throw new ArgumentException($"{op}: the dilated kernel ({spanH} x {spanW}) is larger than the padded input ({h + 2L * p.Height} x {w + 2L * p.Width}) for an input of {h} x {w} with padding ({p.Height}, {p.Width}); use a smaller kernel or dilation, or more padding.");
        }
        return g;
    }

    /// <summary>im2col with a validated geometry.</summary>
    internal static Tensor Unfold(Tensor x, WindowGeometry g, double padValue)
    {
        var src = x.ContiguousRaw();
        var r = Empty([g.N, g.Rows, g.Positions], x.DType);
        if (x.DType == DType.Float32)
        {
            Im2ColKernel.Unfold(src.Data<float>(), src.Offset, r.Data<float>(), g, (float)padValue);
        }
        else
        {
            Im2ColKernel.Unfold(src.Data<double>(), src.Offset, r.Data<double>(), g, padValue);
        }
        src.DisposeIfCopyOf(x);
        return UnfoldDefinition.Record(r, [x], g);
    }

    // Linear in x; the pad value is a constant, so only the elements read from the input get gradient, and the
    // tangent reads 0 in the padding.
    private static readonly OpDefinition<WindowGeometry> UnfoldDefinition = new(null, "Im2ColBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [Fold(c.Grad, c.Args)],
        Jvp = static c => Unfold(c.Tangent(0)!, c.Args, 0),
    };

    /// <summary>col2im with a validated geometry.</summary>
    internal static Tensor Fold(Tensor cols, WindowGeometry g)
    {
        var src = cols.ContiguousRaw();
        var r = Empty([g.N, g.C, g.H, g.W], cols.DType);
        if (cols.DType == DType.Float32)
        {
            Im2ColKernel.Fold(src.Data<float>(), src.Offset, r.Data<float>(), g);
        }
        else
        {
            Im2ColKernel.Fold(src.Data<double>(), src.Offset, r.Data<double>(), g);
        }
        src.DisposeIfCopyOf(cols);
        return FoldDefinition.Record(r, [cols], g);
    }

    private static readonly OpDefinition<WindowGeometry> FoldDefinition = new(null, "Col2ImBackward")
    {
        Differentiable = Operands.First,
        Backward = static c => [Unfold(c.Grad, c.Args, 0)],
        Jvp = static c => Fold(c.Tangent(0)!, c.Args),
    };
}
