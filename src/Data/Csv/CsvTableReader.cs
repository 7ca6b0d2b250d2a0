using System.Globalization;
using CsvHelper;

namespace MiniTorch.Data;

/// <summary>
/// Reads a whole CSV file into feature and target tensors with CsvHelper, checking every record: each must have
/// the header's (or the first record's) number of fields and every chosen field must be a value of its tensor's
/// dtype (<see cref="CsvValues"/>).
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
        // Checked before the file is opened, so an unsupported dtype is reported as the options' fault.
        var features = CsvValues.For(options.DType, nameof(options.DType));
        var targets = CsvValues.For(options.TargetDType ?? options.DType, options.TargetDType is null ? nameof(options.DType) : nameof(options.TargetDType));

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
            return ReadRecords(csv, path, options, features, targets);
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

    private static CsvTable ReadRecords(CsvReader csv, string path, CsvDatasetOptions options, CsvValues features, CsvValues targets)
    {
        long skipped = options.SkipLines;
        var headers = csv.Headers;
        if (options.HasHeader && headers.Count == 0)
        {
            throw new DataFormatException(path, 0, 0, -1, null, "the file is empty: expected a header line and data rows.");
        }
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
        var featureTensor = features.ToTensor([n, featureIndices.Length]);
        Tensor? targetTensor = targetIndices.Length switch
        {
            0 => null,
            1 => targets.ToTensor([n]),
            _ => targets.ToTensor([n, targetIndices.Length]),
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

    private static void ParseFields(CsvReader csv, int[] indices, CsvValues values, string path, long line, long row, CsvColumnResolver columns)
    {
        for (int k = 0; k < indices.Length; k++)
        {
            int c = indices[k];
            if (values.TryAdd(csv.GetSpan(c)) is { } problem)
            {
                throw new DataFormatException(path, line, row, c, columns.NameOf(c), problem);
            }
        }
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
