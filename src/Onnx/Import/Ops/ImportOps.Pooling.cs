using MiniTorch.NN;

namespace MiniTorch.Onnx;

// MaxPool, AveragePool (count_include_pad), GlobalAveragePool, GlobalMaxPool over (N, C, H, W).
internal static partial class ImportOps
{
    private static void AddPooling(Dictionary<string, OnnxOpImporter> table)
    {
        table["MaxPool"] = MaxPool;
        table["AveragePool"] = AveragePool;
        table["GlobalAveragePool"] = c =>
        {
            c.OnlyAttributes();
            return (x, _) => One(Like(x[0]!.Value, Data(x[0]).Mean(SpatialDims(Data(x[0])), keepDim: true)));
        };
        table["Col2Im"] = Col2Im;
        table["GlobalMaxPool"] = c =>
        {
            c.OnlyAttributes();
            return (x, _) =>
            {
                var y = Data(x[0]);
                foreach (int d in SpatialDims(y))
                {
                    y = y.Max(d, keepDim: true).Values;
                }
                return One(Like(x[0]!.Value, y));
            };
        };
    }

    private static int[] SpatialDims(Tensor x)
    {
        if (x.Rank < 3)
        {
            throw new ArgumentException($"global pooling needs (N, C, spatial…) input, got shape {OnnxShapes.Format(x.Shape)}.");
        }
        return [.. Enumerable.Range(2, x.Rank - 2)];
    }

    private static Size2 Kernel(NodeImportContext c)
    {
        var kernel = c.Ints("kernel_shape");
        if (kernel is not { Length: 2 })
        {
            throw c.Unsupported($"kernel_shape [{string.Join(", ", kernel ?? [])}]: only 2-D pooling is supported");
        }
        return new Size2(checked((int)kernel[0]), checked((int)kernel[1]));
    }

    private static void NoCeilMode(NodeImportContext c)
    {
        if (c.Int("ceil_mode", 0) != 0)
        {
            throw c.Unsupported("ceil_mode=1 is not supported");
        }
    }

    private static NodeKernel MaxPool(NodeImportContext c)
    {
        // Opset 8 adds storage_order and the Indices output, 10 ceil_mode and dilations.
        c.OnlyAttributes("kernel_shape", "strides", "pads", "auto_pad", "storage_order", "ceil_mode", "dilations");
        c.OnlyOutputs(1, "indices");
        NoCeilMode(c);
        var kernel = Kernel(c);
        var stride = Pair(c, "strides", 1);
        var dilation = Pair(c, "dilations", 1);
        var pads = WindowPads.From(c, kernel, stride, dilation, limitToHalfKernel: true);
        return (x, _) =>
        {
            var input = Data(x[0]);
            var (top, left, bottom, right) = pads.Extra(input);
            var padded = PadSpatial(input, top, left, bottom, right, double.NegativeInfinity);
            return One(Like(x[0]!.Value, Functional.MaxPool2d(padded, kernel, stride, pads.Symmetric, dilation)));
        };
    }

    private static NodeKernel AveragePool(NodeImportContext c)
    {
        // Opset 7 adds count_include_pad, 10 ceil_mode, 19 dilations.
        c.OnlyAttributes("kernel_shape", "strides", "pads", "auto_pad", "count_include_pad", "ceil_mode", "dilations");
        NoCeilMode(c);
        if (c.Ints("dilations") is { } dilations && dilations.Any(d => d != 1))
        {
            throw c.Unsupported("dilations other than 1 are not supported for AveragePool");
        }
        var kernel = Kernel(c);
        var stride = Pair(c, "strides", 1);
        bool includePad = c.Int("count_include_pad", 0) != 0;
        var pads = WindowPads.From(c, kernel, stride, new Size2(1, 1), limitToHalfKernel: true);
        return (x, _) =>
        {
            var input = Data(x[0]);
            var (top, left, bottom, right) = pads.Extra(input);
            if (top + left + bottom + right == 0)
            {
                return One(Like(x[0]!.Value, Functional.AvgPool2d(input, kernel, stride, pads.Symmetric, includePad)));
            }
            // Explicit (asymmetric or SAME) padding: pad everything here; without count_include_pad, divide by the
            // pooled mask of real elements so each window averages only them.
            var (st, sl) = (pads.Symmetric.Height, pads.Symmetric.Width);
            var padded = PadSpatial(input, top + st, left + sl, bottom + st, right + sl, 0);
            var sum = Functional.AvgPool2d(padded, kernel, stride, 0, countIncludePad: true);
            if (includePad)
            {
                return One(Like(x[0]!.Value, sum));
            }
            var mask = PadSpatial(Tensor.Ones([1, 1, input.Size(2), input.Size(3)], input.DType), top + st, left + sl, bottom + st, right + sl, 0);
            return One(Like(x[0]!.Value, sum / Functional.AvgPool2d(mask, kernel, stride, 0, countIncludePad: true)));
        };
    }

    /// <summary>Col2Im (opset 18): columns (N, C·kh·kw, L) summed into images of image_shape; symmetric pads only.</summary>
    private static NodeKernel Col2Im(NodeImportContext c)
    {
        c.OnlyAttributes("strides", "pads", "dilations");
        var pads = c.Ints("pads") ?? [0, 0, 0, 0];
        if (pads.Length != 4 || pads[0] != pads[2] || pads[1] != pads[3])
        {
            throw c.Unsupported($"pads [{string.Join(", ", pads)}]: only symmetric 2-D padding is supported");
        }
        var stride = Pair(c, "strides", 1);
        var dilation = Pair(c, "dilations", 1);
        return (x, _) =>
        {
            var image = x[1]!.Value.ToInt64s();
            var block = x[2]!.Value.ToInt64s();
            if (image.Length != 2 || block.Length != 2)
            {
                throw new ArgumentException($"image_shape and block_shape must have 2 values (2-D), got {image.Length} and {block.Length}.");
            }
            var y = Data(x[0]).Col2Im(((int)image[0], (int)image[1]), ((int)block[0], (int)block[1]),
                (stride.Height, stride.Width), ((int)pads[0], (int)pads[1]), (dilation.Height, dilation.Width));
            return One(Like(x[0]!.Value, y));
        };
    }
}
