using System.Globalization;
using System.Numerics;

namespace MiniTorch.Data;

/// <summary>
/// The values of the chosen columns of one tensor (features or targets), parsed field by field in the tensor's dtype:
/// numbers for Float32/Float64, whole numbers for Int64/Int32, true/false/1/0 for Bool. A field that does not parse
/// is a <see cref="DataFormatException"/> whose problem says what the dtype expects.
/// </summary>
internal abstract class CsvValues
{
    /// <summary>The dtypes a CSV column can be read as.</summary>
    public const string Supported = "Float32, Float64, Int64, Int32 or Bool";

    /// <summary>A parser for <paramref name="dtype"/>; <paramref name="option"/> names the option it came from, for the error.</summary>
    /// <exception cref="ArgumentException">The dtype is not one a CSV column can be read as.</exception>
    public static CsvValues For(DType dtype, string option) => dtype switch
    {
        DType.Float32 => new FloatValues<float>(),
        DType.Float64 => new FloatValues<double>(),
        DType.Int64 => new IntegerValues(long.MinValue, long.MaxValue, "int64"),
        DType.Int32 => new IntegerValues(int.MinValue, int.MaxValue, "int32"),
        DType.Bool => new BoolValues(),
        _ => throw new ArgumentException($"CsvDataset: {option} = {dtype} is not supported; a CSV column is read as {Supported}.", option),
    };

    /// <summary>
    /// Parses one field and keeps its value, or returns the problem (a sentence) when the text is not a value of
    /// the dtype.
    /// </summary>
    public abstract string? TryAdd(ReadOnlySpan<byte> text);

    /// <summary>The values kept, as a tensor of <paramref name="shape"/>.</summary>
    public abstract Tensor ToTensor(int[] shape);

    private static string Shorten(ReadOnlySpan<byte> text)
    {
        string s = System.Text.Encoding.UTF8.GetString(text);
        return s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 37), "...");
    }

    private static string? Empty(ReadOnlySpan<byte> text, string expected) => text.Trim(" \t"u8).IsEmpty
        ? $"the field is empty (a missing value); every chosen field must hold {expected}."
        : null;

    /// <summary>Numbers with '.' as the decimal point, exponents, and the literals pandas and NumPy write for NaN and infinity.</summary>
    private sealed class FloatValues<T> : CsvValues where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly List<T> _values = [];

        public override string? TryAdd(ReadOnlySpan<byte> text)
        {
            if (TryParseSpecial(text, out T value))
            {
                _values.Add(value);
                return null;
            }
            // Parsed here rather than by CsvHelper's Parse<T>, which also accepts thousands separators:
            // with the invariant culture a quoted "1,5" would silently read as 15. .NET's parser also ignores
            // trailing NUL characters ("1\0" would read as 1), so a field holding one is refused first.
            if (text.Contains((byte)0) || !T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                return text.IsEmpty
                    ? "the field is empty (a missing value); every chosen field must hold a number."
                    : $"'{Shorten(text)}' is not a number (expected a decimal number such as -1.5 or 2e-3, with '.' as the decimal point).";
            }
            if (T.IsInfinity(value) && !NamesInfinity(text))
            {
                return $"'{Shorten(text)}' is outside the range of {(typeof(T) == typeof(float) ? "float32" : "float64")}; read the file with DType = Float64 or rescale the column.";
            }
            _values.Add(value);
            return null;
        }

        public override Tensor ToTensor(int[] shape) => Tensor.WrapArray(_values.ToArray(), shape);

        /// <summary>
        /// The literals that pandas, NumPy and spreadsheets write for the special values, which .NET's parser refuses:
        /// "inf", "infinity" and "∞" in any case with an optional sign, and "nan" in any case (surrounding spaces allowed,
        /// as for numbers).
        /// </summary>
        private static bool TryParseSpecial(ReadOnlySpan<byte> text, out T value)
        {
            var t = text.Trim(" \t"u8);
            bool negative = false;
            if (!t.IsEmpty && (t[0] == (byte)'-' || t[0] == (byte)'+'))
            {
                negative = t[0] == (byte)'-';
                t = t[1..];
            }
            if (System.Text.Ascii.EqualsIgnoreCase(t, "inf"u8) || System.Text.Ascii.EqualsIgnoreCase(t, "infinity"u8) || t.SequenceEqual("∞"u8))
            {
                value = negative ? T.NegativeInfinity : T.PositiveInfinity;
                return true;
            }
            if (System.Text.Ascii.EqualsIgnoreCase(t, "nan"u8))
            {
                value = T.NaN;
                return true;
            }
            value = T.Zero;
            return false;
        }

        /// <summary>Whether the text is an infinity literal ("Infinity", "-inf", "∞"), not a finite number that overflowed.</summary>
        private static bool NamesInfinity(ReadOnlySpan<byte> text)
        {
            foreach (byte b in text)
            {
                if (b is (byte)'i' or (byte)'I' or 0xE2)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>
    /// Whole numbers in decimal with an optional sign and surrounding spaces, as <c>int("…")</c> reads them in Python;
    /// "2.5", "2.0" and "1e3" are refused rather than truncated, since a class label with a fraction is a wrong file.
    /// </summary>
    private sealed class IntegerValues(long min, long max, string name) : CsvValues
    {
        private readonly List<long> _values = [];

        public override string? TryAdd(ReadOnlySpan<byte> text)
        {
            if (Empty(text, "a whole number") is { } empty)
            {
                return empty;
            }
            if (!text.Contains((byte)0) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
            {
                if (value < min || value > max)
                {
                    return $"'{Shorten(text)}' is outside the range of {name} ({min}..{max}).";
                }
                _values.Add(value);
                return null;
            }
            return IsDigitsOnly(text.Trim(" \t"u8))
                ? $"'{Shorten(text)}' is outside the range of {name} ({min}..{max})."
                : $"'{Shorten(text)}' is not a whole number; the column is read as {name} (expected an integer such as 3 or -1, without a decimal point or exponent).";
        }

        public override Tensor ToTensor(int[] shape)
        {
            if (max == long.MaxValue)
            {
                return Tensor.WrapArray(_values.ToArray(), shape);
            }
            var narrow = new int[_values.Count];
            for (int i = 0; i < narrow.Length; i++)
            {
                narrow[i] = (int)_values[i]; // in range: checked when parsed
            }
            return Tensor.WrapArray(narrow, shape);
        }

        private static bool IsDigitsOnly(ReadOnlySpan<byte> t)
        {
            if (!t.IsEmpty && (t[0] == (byte)'-' || t[0] == (byte)'+'))
            {
                t = t[1..];
            }
            return !t.IsEmpty && t.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;
        }
    }

    /// <summary>"true"/"false" in any case and "1"/"0" (surrounding spaces allowed): what pandas and NumPy write for booleans.</summary>
    private sealed class BoolValues : CsvValues
    {
        private readonly List<bool> _values = [];

        public override string? TryAdd(ReadOnlySpan<byte> text)
        {
            if (Empty(text, "true, false, 1 or 0") is { } empty)
            {
                return empty;
            }
            var t = text.Trim(" \t"u8);
            if (System.Text.Ascii.EqualsIgnoreCase(t, "true"u8) || t.SequenceEqual("1"u8))
            {
                _values.Add(true);
                return null;
            }
            if (System.Text.Ascii.EqualsIgnoreCase(t, "false"u8) || t.SequenceEqual("0"u8))
            {
                _values.Add(false);
                return null;
            }
            return $"'{Shorten(text)}' is not a boolean; the column is read as Bool (expected true, false, 1 or 0).";
        }

        public override Tensor ToTensor(int[] shape) => Tensor.WrapArray(_values.ToArray(), shape);
    }
}
