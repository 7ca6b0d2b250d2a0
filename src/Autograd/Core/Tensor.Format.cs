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
        var suffixes = new List<string>();
        var sb = new StringBuilder(prefix);
        if (Numel == 0)
        {
            sb.Append("[]");
            if (Rank != 1)
            {
                suffixes.Add("size=(" + string.Join(", ", _shape) + ")");
            }
        }
        else
        {
            bool summarize = Numel > SummarizeThreshold;
            var format = DType.IsFloatingPoint() ? FloatingFormat(summarize) : IntegralFormat(summarize);
            AppendBlock(sb, 0, 0, prefix.Length, format, summarize);
        }
        // PyTorch's has_default_dtype: the default floating dtype, int64 and bool go unnamed, but an empty tensor
        // names every dtype other than the default floating one (there are no elements to tell it by).
        bool namesDType = Numel == 0
            ? DType != GetDefaultDType()
            : DType != GetDefaultDType() && DType is not (DType.Int64 or DType.Bool);
        if (namesDType)
        {
            suffixes.Add("dtype=" + DType.TorchName());
        }
        if (_gradFn is not null)
        {
            suffixes.Add("grad_fn=<" + _gradFn.Name + ">");
        }
        else if (_requiresGrad)
        {
            suffixes.Add("requires_grad=True");
        }
        if (_dual is { } dual && ReferenceEquals(dual.Level, ForwardAD.CurrentLevel))
        {
            suffixes.Add("tangent=" + dual.Tangent); // as PyTorch prints a dual tensor inside its level
        }
        AppendSuffixes(sb, suffixes, prefix.Length);
        return sb.Append(')').ToString();
    }

    /// <summary>
    /// Appends ", suffix" for each suffix, moving it to a new line when the current one would pass the line width
    /// (PyTorch's <c>_add_suffixes</c>, including its count of the last line's length, so lines break where PyTorch's do).
    /// </summary>
    private static void AppendSuffixes(StringBuilder sb, List<string> suffixes, int indent)
    {
        string text = sb.ToString();
        int lastLineLength = text.Length - text.LastIndexOf('\n') + 1;
        foreach (var suffix in suffixes)
        {
            if (lastLineLength + suffix.Length + 2 > LineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLength = indent + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLength += suffix.Length + 2;
            }
        }
    }

    private const int LineWidth = 80;

    private ElementFormat FloatingFormat(bool summarize)
    {
        // No Detach view: an undisposed view would keep a printed tensor's storage out of the pool for good.
        var data = ToDoubleArray();
        return FloatFormat.For(data, VisibleValues(data, summarize));
    }

    /// <summary>Integers and bools print as Python's str of each value (<c>5</c>, <c>True</c>), right-aligned to the widest shown.</summary>
    private ElementFormat IntegralFormat(bool summarize)
    {
        var source = ContiguousRaw();
        var texts = new string[Numel];
        if (DType == DType.Bool)
        {
            var bools = source.ContiguousSpan<bool>();
            for (int i = 0; i < texts.Length; i++)
            {
                texts[i] = bools[i] ? "True" : "False";
            }
        }
        else
        {
            var longs = source.ToLongArray();
            for (int i = 0; i < texts.Length; i++)
            {
                texts[i] = longs[i].ToString(CultureInfo.InvariantCulture);
            }
        }
        source.DisposeIfCopyOf(this);
        int width = 1;
        foreach (int i in VisibleIndices(summarize))
        {
            width = Math.Max(width, texts[i].Length);
        }
        return new TextFormat(texts, width);
    }

    private void AppendBlock(StringBuilder sb, int dim, int offset, int indent, ElementFormat format, bool summarize)
    {
        if (dim == Rank)
        {
            sb.Append(format.Format(offset));
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
            AppendVector(sb, offset, size, indent, format, elide);
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
            AppendBlock(sb, dim + 1, offset + i * stride, indent + 1, format, summarize);
            if (i < size - 1)
            {
                sb.Append(separator);
            }
        }
        sb.Append(']');
    }

    /// <summary>The innermost dimension: elements joined by ", ", wrapped to PyTorch's 80-column line width.</summary>
    private static void AppendVector(StringBuilder sb, int offset, int size, int indent, ElementFormat format, bool elide)
    {
        var items = new List<string>(size + 1);
        for (int i = 0; i < size; i++)
        {
            if (elide && i == EdgeItems)
            {
                items.Add(" ...");
                i = size - EdgeItems;
            }
            items.Add(format.Format(offset + i));
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
        var visible = new List<double>();
        foreach (int n in VisibleIndices(summarize))
        {
            visible.Add(data[n]);
        }
        return visible;
    }

    /// <summary>The row-major positions of the elements that are printed (all, or the edges of each dim when summarized).</summary>
    private List<int> VisibleIndices(bool summarize)
    {
        var visible = new List<int>();
        var counter = new int[Rank];
        for (int n = 0; n < Numel; n++)
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
            if (shown || !summarize)
            {
                visible.Add(n);
            }
        }
        return visible;
    }

    /// <summary>How the element at a row-major position is shown, padded to one width for the whole tensor.</summary>
    private abstract class ElementFormat
    {
        public abstract int Width { get; }

        public abstract string Format(int position);
    }

    /// <summary>Integer and bool elements, already turned into text.</summary>
    private sealed class TextFormat(string[] texts, int width) : ElementFormat
    {
        public override int Width => width;

        public override string Format(int position) => texts[position].PadLeft(width);
    }

    /// <summary>PyTorch's floating element formatter: integer, fixed (4 decimals) or scientific mode, padded to one width.</summary>
    private sealed class FloatFormat : ElementFormat
    {
        private readonly double[] _data;
        private readonly string _mode;
        private readonly int _width;

        private FloatFormat(double[] data, string mode, int width)
        {
            _data = data;
            _mode = mode;
            _width = width;
        }

        public override int Width => _width;

        public override string Format(int position) => Raw(_data[position]).PadLeft(_width);

        /// <summary>Chooses the mode and width from the non-zero finite values, exactly as torch/_tensor_str.py's _Formatter.</summary>
        public static FloatFormat For(double[] data, List<double> values)
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
                return new FloatFormat(data, "int", 1);
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
            var probe = new FloatFormat(data, mode, 0);
            int width = 1;
            foreach (double v in finite)
            {
                width = Math.Max(width, probe.Raw(v).Length);
            }
            return new FloatFormat(data, mode, width);
        }

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
            // "F"/"E" round the exact binary value half-to-even, as Python's format does; custom patterns such
            // as "0.0000" round half away from zero (0.03125 would print as 0.0313 where PyTorch prints 0.0312).
            return _mode switch
            {
                "int" => v.ToString("F0", CultureInfo.InvariantCulture) + ".",
                "fixed" => v.ToString("F4", CultureInfo.InvariantCulture),
                _ => Scientific(v),
            };
        }

        /// <summary>Python's '{:.4e}': a mantissa with 4 decimals, the exponent signed with at least two digits.</summary>
        private static string Scientific(double v)
        {
            string s = v.ToString("E4", CultureInfo.InvariantCulture); // e.g. 1.0312E-005
            int e = s.IndexOf('E');
            int exponent = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return string.Concat(s.AsSpan(0, e), exponent < 0 ? "e-" : "e+", Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        }
    }
}
