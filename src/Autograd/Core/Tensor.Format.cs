using System.Globalization;
using System.Text;

namespace MiniTorch;

public partial class Tensor
{
    private const int SummarizeThreshold = 1000;
    private const int EdgeItems = 3;

    /// <summary>Formats as PyTorch prints: <c>tensor([ 0.,  4.,  8., 12.])</c>, <c>tensor(14., grad_fn=&lt;DotBackward&gt;)</c>.</summary>
    public override string ToString()
    {
        const string prefix = "tensor(";
        bool summarize = Numel > SummarizeThreshold;
        var data = Detach().ContiguousRaw().ToDoubleArray();
        var format = ElementFormat.For(VisibleValues(data, summarize));
        var sb = new StringBuilder(prefix);
        if (Numel == 0 && Rank > 0)
        {
            sb.Append("[]");
            if (Rank > 1 || _shape[0] != 0)
            {
                sb.Append(", size=(").Append(string.Join(", ", _shape)).Append(Rank == 1 ? ",)" : ")");
            }
        }
        else
        {
            AppendBlock(sb, data, 0, 0, prefix.Length, format, summarize);
        }
        if (DType != DType.Float32)
        {
            sb.Append(", dtype=").Append(DType.TorchName());
        }
        if (_gradFn is not null)
        {
            sb.Append(", grad_fn=<").Append(_gradFn.Name).Append('>');
        }
        else if (_requiresGrad)
        {
            sb.Append(", requires_grad=True");
        }
        return sb.Append(')').ToString();
    }

    private const int LineWidth = 80;

    private void AppendBlock(StringBuilder sb, double[] data, int dim, int offset, int indent, ElementFormat format, bool summarize)
    {
        if (dim == Rank)
        {
            sb.Append(format.Format(data[offset]));
            return;
        }
        int size = _shape[dim];
        int stride = 1;
        for (int d = dim + 1; d < Rank; d++)
        {
            stride *= _shape[d];
        }
        bool elide = summarize && size > 2 * EdgeItems;
        if (dim == Rank - 1)
        {
            AppendVector(sb, data, offset, size, indent, format, elide);
            return;
        }
        sb.Append('[');
        string separator = "," + new string('\n', Rank - dim - 1) + new string(' ', indent + 1);
        for (int i = 0; i < size; i++)
        {
            if (elide && i == EdgeItems)
            {
                sb.Append("...").Append(separator);
                i = size - EdgeItems;
            }
            AppendBlock(sb, data, dim + 1, offset + i * stride, indent + 1, format, summarize);
            if (i < size - 1)
            {
                sb.Append(separator);
            }
        }
        sb.Append(']');
    }

    /// <summary>The innermost dimension: elements joined by ", ", wrapped to PyTorch's 80-column line width.</summary>
    private static void AppendVector(StringBuilder sb, double[] data, int offset, int size, int indent, ElementFormat format, bool elide)
    {
        var items = new List<string>(size + 1);
        for (int i = 0; i < size; i++)
        {
            if (elide && i == EdgeItems)
            {
                items.Add(" ...");
                i = size - EdgeItems;
            }
            items.Add(format.Format(data[offset + i]));
        }
        int perLine = Math.Max(1, (LineWidth - indent) / (format.Width + 2));
        sb.Append('[');
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(i % perLine == 0 ? ",\n" + new string(' ', indent + 1) : ", ");
            }
            sb.Append(items[i]);
        }
        sb.Append(']');
    }

    private List<double> VisibleValues(double[] data, bool summarize)
    {
        if (!summarize)
        {
            return [.. data];
        }
        var visible = new List<double>();
        var counter = new int[Rank];
        for (int n = 0; n < data.Length; n++)
        {
            bool shown = true;
            int rem = n;
            for (int d = Rank - 1; d >= 0; d--)
            {
                counter[d] = rem % _shape[d];
                rem /= _shape[d];
                if (_shape[d] > 2 * EdgeItems && counter[d] >= EdgeItems && counter[d] < _shape[d] - EdgeItems)
                {
                    shown = false;
                }
            }
            if (shown)
            {
                visible.Add(data[n]);
            }
        }
        return visible;
    }

    /// <summary>PyTorch's element formatter: integer, fixed (4 decimals) or scientific mode, padded to one width.</summary>
    private sealed class ElementFormat
    {
        private readonly string _mode;
        private readonly int _width;

        private ElementFormat(string mode, int width)
        {
            _mode = mode;
            _width = width;
        }

        public int Width => _width;

        /// <summary>Chooses the mode and width from the non-zero finite values, exactly as torch/_tensor_str.py's _Formatter.</summary>
        public static ElementFormat For(List<double> values)
        {
            var finite = new List<double>();
            foreach (double v in values)
            {
                if (double.IsFinite(v) && v != 0)
                {
                    finite.Add(v);
                }
            }
            if (finite.Count == 0)
            {
                return new ElementFormat("int", 1);
            }
            double max = 0, min = double.PositiveInfinity;
            bool integers = true;
            foreach (double v in finite)
            {
                max = Math.Max(max, Math.Abs(v));
                min = Math.Min(min, Math.Abs(v));
                integers &= v == Math.Ceiling(v);
            }
            string mode = integers
                ? (max / min > 1000 || max > 1e8 ? "sci" : "int")
                : (max / min > 1000 || max > 1e8 || min < 1e-4 ? "sci" : "fixed");
            var probe = new ElementFormat(mode, 0);
            int width = 1;
            foreach (double v in finite)
            {
                width = Math.Max(width, probe.Raw(v).Length);
            }
            return new ElementFormat(mode, width);
        }

        public string Format(double v) => Raw(v).PadLeft(_width);

        private string Raw(double v)
        {
            if (double.IsNaN(v))
            {
                return "nan";
            }
            if (double.IsInfinity(v))
            {
                return v > 0 ? "inf" : "-inf";
            }
            return _mode switch
            {
                "int" => v.ToString("0", CultureInfo.InvariantCulture) + ".",
                "fixed" => v.ToString("0.0000", CultureInfo.InvariantCulture),
                _ => Scientific(v),
            };
        }

        // Python's '{:.4e}': a mantissa with 4 decimals, the exponent signed with at least two digits.
        private static string Scientific(double v) => v.ToString("0.0000e+00", CultureInfo.InvariantCulture);
    }
}
