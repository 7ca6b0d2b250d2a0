using System.Globalization;
using System.Numerics;
using CsvHelper;

namespace MiniTorch.Data;

/// <summary>
/// Reads a whole CSV file into feature and target tensors with CsvHelper, checking every record: each must have
/// the header's (or the first record's) number of fields and every chosen field must be a number.
/// Nothing is skipped or guessed; the first problem ends the read with a <see cref="DataFormatException"/>.
/// </summary>
internal static class CsvTableReader
{
    public static CsvTable Read(string path, CsvDatasetOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.TargetColumns);
        ArgumentOutOfRangeException.ThrowIfNegative(options.SkipLines);
        if (options.Separator is '"' or '\r' or '\n' || options.Separator > 127)
        {
            throw new ArgumentException($"CsvDataset: the separator must be an ASCII character other than a quote or a line break, got '{options.Separator}'.", nameof(options));
        }
        return options.DType == DType.Float64 ? Read<double>(path, options) : Read<float>(path, options);
    }

    private static CsvTable Read<T>(string path, CsvDatasetOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var csvOptions = new CsvReaderOptions
        {
            HasHeader = options.HasHeader,
            Separator = options.Separator,
            // Broken quoting must fail, not be repaired into different values.
            MalformedData = CsvMalformedDataHandling.Throw,
            // Field counts are checked below instead, so that the error can name the missing or extra column.
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.Throw,
            // Empty lines are seen, so that one inside the data is reported rather than passed over.
            SkipEmptyLines = false,
            TrackLineNumbers = true,
            DetectSeparatorHint = false,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        using var stream = CsvSource.Open(path, options.SkipLines);
        using var csv = CsvReader.Create(stream, csvOptions, leaveOpen: false);
        try
        {
            return ReadRecords<T>(csv, path, options);
        }
        catch (CsvFormatException e)
        {
            throw Malformed(e, path, options);
        }
        catch (InvalidDataException e) when (CsvSource.IsGzip(path))
        {
            throw new DataFormatException(path, 0, 0, -1, null,
                $"the file is not valid gzip data ({e.Message}); a name ending in .gz means the file is read through gzip decompression.", e);
        }
    }

    private static CsvTable ReadRecords<T>(CsvReader csv, string path, CsvDatasetOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long skipped = options.SkipLines;
        var headers = csv.Headers;
        if (options.HasHeader && headers.Count == 0)
        {
            throw new DataFormatException(path, 0, 0, -1, null, "the file is empty: expected a header line and data rows.");
        }
        var features = new List<T>();
        var targets = new List<T>();
        int[] featureIndices = [];
        int[] targetIndices = [];
        CsvColumnResolver? columns = null;
        int fieldCount = headers.Count;
        long rows = 0;
        long emptyLine = 0;
        long emptyRow = 0;
        while (csv.Read())
        {
            long line = csv.LineNumber + skipped;
            if (csv.RawRecord.IsEmpty)
            {
                // Allowed only at the end of the file, where it holds no data; decided when the next record comes.
                if (emptyLine == 0)
                {
                    (emptyLine, emptyRow) = (line, csv.RowNumber);
                }
                continue;
            }
            rows = csv.RowNumber;
            if (emptyLine != 0)
            {
                throw new DataFormatException(path, emptyLine, emptyRow, -1, null,
                    $"an empty line inside the data (data follows on line {line}); remove it or put a value on it.");
            }
            if (columns is null)
            {
                fieldCount = options.HasHeader ? fieldCount : csv.FieldCount;
                long columnsLine = options.HasHeader ? 1 + skipped : line;
                columns = new CsvColumnResolver(path, headers, fieldCount, columnsLine, options.HasHeader ? 0 : rows);
                targetIndices = columns.Resolve(options.TargetColumns);
                featureIndices = options.FeatureColumns is { } chosen ? columns.Resolve(chosen) : columns.AllExcept(targetIndices);
            }
            CheckFieldCount(csv, path, line, rows, fieldCount, columns);
            ParseFields(csv, featureIndices, features, path, line, rows, columns);
            ParseFields(csv, targetIndices, targets, path, line, rows, columns);
        }
        if (rows == 0)
        {
            throw new DataFormatException(path, 0, 0, -1, null,
                options.HasHeader ? "the file has a header but no data rows." : "the file is empty: expected data rows.");
        }
        var resolver = columns!;
        int n = checked((int)rows);
        var featureTensor = MakeTensor(features, [n, featureIndices.Length]);
        Tensor? targetTensor = targetIndices.Length switch
        {
            0 => null,
            1 => MakeTensor(targets, [n]),
            _ => MakeTensor(targets, [n, targetIndices.Length]),
        };
        return new CsvTable(featureTensor, targetTensor, Names(featureIndices, resolver), Names(targetIndices, resolver));
    }

    private static void CheckFieldCount(CsvReader csv, string path, long line, long row, int expected, CsvColumnResolver columns)
    {
        int actual = csv.FieldCount;
        if (actual == expected)
        {
            return;
        }
        string reference = columns.NameOf(0) is null ? "the first data row" : "the header";
        // Name the first missing column of a short row, or the first extra field of a long one.
        int column = Math.Min(actual, expected);
        string problem = actual < expected
            ? $"the row has {actual} fields but {reference} has {expected}; this column and the ones after it are missing."
            : $"the row has {actual} fields but {reference} has {expected}; this field is the first extra one.";
        throw new DataFormatException(path, line, row, column, columns.NameOf(column), problem);
    }

    private static void ParseFields<T>(CsvReader csv, int[] indices, List<T> values, string path, long line, long row, CsvColumnResolver columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int k = 0; k < indices.Length; k++)
        {
            int c = indices[k];
            var text = csv.GetSpan(c);
            if (TryParseSpecial(text, out T value))
            {
                values.Add(value);
                continue;
            }
            // Parsed here rather than by CsvHelper's Parse<T>, which also accepts thousands separators:
            // with the invariant culture a quoted "1,5" would silently read as 15. .NET's parser also ignores
            // trailing NUL characters ("1\0" would read as 1), so a field holding one is refused first.
            if (text.Contains((byte)0) || !T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                throw new DataFormatException(path, line, row, c, columns.NameOf(c), NotANumber(text));
            }
            if (T.IsInfinity(value) && !NamesInfinity(text))
            {
                throw new DataFormatException(path, line, row, c, columns.NameOf(c),
                    $"'{Shorten(text)}' is outside the range of {(typeof(T) == typeof(float) ? "float32" : "float64")}; read the file with DType = Float64 or rescale the column.");
            }
            values.Add(value);
        }
    }

    private static string NotANumber(ReadOnlySpan<byte> text) => text.IsEmpty
        ? "the field is empty (a missing value); every chosen field must hold a number."
        : $"'{Shorten(text)}' is not a number (expected a decimal number such as -1.5 or 2e-3, with '.' as the decimal point).";

    /// <summary>
    /// The literals that pandas, NumPy and spreadsheets write for the special values, which .NET's parser refuses:
    /// "inf", "infinity" and "∞" in any case with an optional sign, and "nan" in any case (surrounding spaces allowed,
    /// as for numbers).
    /// </summary>
    private static bool TryParseSpecial<T>(ReadOnlySpan<byte> text, out T value) where T : IFloatingPointIeee754<T>
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

    private static string Shorten(ReadOnlySpan<byte> text)
    {
        string s = System.Text.Encoding.UTF8.GetString(text);
        return s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 37), "...");
    }

    private static Tensor MakeTensor<T>(List<T> values, int[] shape) where T : unmanaged
    {
        var data = values.ToArray();
        return typeof(T) == typeof(float)
            ? Tensor.FromArray((float[])(object)data, shape)
            : Tensor.FromArray((double[])(object)data, shape);
    }

    private static string[] Names(int[] indices, CsvColumnResolver columns)
    {
        var names = new string[indices.Length];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = columns.NameOf(indices[i]) ?? $"column {indices[i]}";
        }
        return names;
    }

    /// <summary>Turns CsvHelper's report of broken quoting into one that names the line, data row and column of the file.</summary>
    private static DataFormatException Malformed(CsvFormatException e, string path, CsvDatasetOptions options)
    {
        int column = -1;
        string? problem = null;
        if (e.ByteOffset > 0)
        {
            using var again = CsvSource.Open(path, options.SkipLines);
            (column, problem) = CsvQuoteLocator.Locate(again, e.ByteOffset, (byte)options.Separator);
        }
        long line = e.LineNumber > 0 ? e.LineNumber + options.SkipLines : 0;
        long row = Math.Max(0, e.RecordNumber - (options.HasHeader ? 1 : 0));
        return new DataFormatException(path, line, row, column, null, problem ?? $"malformed CSV: {e.Message}", e);
    }
}
