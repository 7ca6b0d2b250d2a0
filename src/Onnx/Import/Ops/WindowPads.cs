using MiniTorch.NN;

namespace MiniTorch.Onnx;

/// <summary>
/// ONNX's window padding (Conv, MaxPool, AveragePool) in MiniTorch's terms: explicit <c>pads</c>
/// [top, left, bottom, right] split into the symmetric part the layer pads itself and the extra rows/columns padded
/// before it; <c>auto_pad</c> SAME_UPPER / SAME_LOWER computed from the input's size at run time.
/// </summary>
internal sealed class WindowPads
{
    private readonly string _autoPad;
    private readonly int _top, _left, _bottom, _right;
    private readonly Size2 _kernel, _stride, _dilation;

    private WindowPads(string autoPad, long[] pads, Size2 kernel, Size2 stride, Size2 dilation, (bool Allowed, bool Limited) allowSymmetric)
    {
        _autoPad = autoPad;
        _kernel = kernel;
        _stride = stride;
        _dilation = dilation;
        (_top, _left, _bottom, _right) = ((int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3]);
        int height = Math.Min(_top, _bottom), width = Math.Min(_left, _right);
        // Pooling layers take at most half the window as padding (PyTorch's rule); beyond that it is padded explicitly.
        bool fits = !allowSymmetric.Limited || (height <= kernel.Height / 2 && width <= kernel.Width / 2);
        if (autoPad == "NOTSET" && allowSymmetric.Allowed && fits)
        {
            Symmetric = new Size2(height, width);
        }
    }

    /// <summary>The padding the layer itself applies on both sides.</summary>
    public Size2 Symmetric { get; } = new Size2(0, 0);

    public static WindowPads From(NodeImportContext c, Size2 kernel, Size2 stride, Size2 dilation, bool allowSymmetric = true, bool limitToHalfKernel = false)
    {
        string autoPad = c.String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER"))
        {
            throw c.Unsupported($"auto_pad='{autoPad}' is not a known value");
        }
        var pads = c.Ints("pads") ?? [0, 0, 0, 0];
        if (pads.Length != 4 || pads.Any(p => p < 0 || p > 10_000))
        {
            throw c.Unsupported($"pads [{string.Join(", ", pads)}] must be 4 non-negative values for a 2-D window");
        }
        if (autoPad != "NOTSET" && c.HasAttribute("pads") && pads.Any(p => p != 0))
        {
            throw c.Unsupported($"auto_pad='{autoPad}' together with explicit pads is not valid ONNX");
        }
        return new WindowPads(autoPad, autoPad == "NOTSET" ? pads : [0, 0, 0, 0], kernel, stride, dilation, (allowSymmetric, limitToHalfKernel));
    }

    /// <summary>Whether any padding is applied at all (explicit or SAME).</summary>
    public bool Any => _autoPad is "SAME_UPPER" or "SAME_LOWER" || _top + _left + _bottom + _right > 0;

    /// <summary>The rows and columns to pad before the layer for <paramref name="input"/> (N, C, H, W).</summary>
    public (int Top, int Left, int Bottom, int Right) Extra(Tensor input)
    {
        if (input.Rank != 4)
        {
            throw new ArgumentException($"a 2-D window needs (N, C, H, W) input, got shape {OnnxShapes.Format(input.Shape)}.");
        }
        if (_autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            var (top, bottom) = Same(input.Size(2), _kernel.Height, _stride.Height, _dilation.Height);
            var (left, right) = Same(input.Size(3), _kernel.Width, _stride.Width, _dilation.Width);
            return _autoPad == "SAME_UPPER" ? (top, left, bottom, right) : (bottom, right, top, left);
        }
        return (_top - Symmetric.Height, _left - Symmetric.Width, _bottom - Symmetric.Height, _right - Symmetric.Width);
    }

    /// <summary>SAME padding: output = ceil(size / stride); the odd extra element goes at the end (UPPER).</summary>
    private static (int Begin, int End) Same(int size, int kernel, int stride, int dilation)
    {
        int output = (size + stride - 1) / stride;
        int total = Math.Max(0, (output - 1) * stride + (kernel - 1) * dilation + 1 - size);
        return (total / 2, total - total / 2);
    }
}
