using System.Globalization;
using System.Text;

namespace MiniTorch;

public sealed partial class Tensor
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
        sb.Append('[');
        bool elide = summarize && size > 2 * EdgeItems;
        string separator = dim == Rank - 1 ? ", " : "," + new string('\n', Rank - dim - 1) + new string(' ', indent + dim + 1);
        for (int i = 0; i < size; i++)
        {
            if (elide && i == EdgeItems)
            {
                sb.Append("...").Append(separator);
                i = size - EdgeItems;
            }
            AppendBlock(sb, data, dim + 1, offset + i * stride, indent, format, summarize);
            if (i < size - 1)
            {
                sb.Append(separator);
            }
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

        public static ElementFormat For(List<double> values)
        {
            var finite = values.Where(v => double.IsFinite(v) && v != 0).Select(Math.Abs).ToList();
            string mode;
            if (values.Where(double.IsFinite).All(v => v == Math.Ceiling(v)))
            {
                mode = finite.Count > 0 && finite.Max() > 1e8 ? "sci" : "int";
            }
            else if (finite.Count == 0)
            {
                mode = "fixed";
            }
            else
            {
                double max = finite.Max(), min = finite.Min();
                mode = max / min > 1000 || max > 1e8 || min < 1e-4 ? "sci" : "fixed";
            }
            var probe = new ElementFormat(mode, 0);
            int width = values.Count == 0 ? 0 : values.Max(v => probe.Raw(v).Length);
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

        private static string Scientific(double v)
        {
            // Python's '{:.4e}': mantissa with 4 decimals, exponent with sign and at least two digits.
            string s = v.ToString("0.0000e+00", CultureInfo.InvariantCulture);
            return s;
        }
    }
}
