using System.Text;

namespace MiniTorch.Data;

/// <summary>
/// Thrown when a data file cannot be read as the data asked for: a field that is not a number, a row with too
/// few or too many fields, broken quoting, a column that does not exist, an empty file. The message and the
/// properties name the file, the line, the data row and the column, so the fault can be found and fixed.
/// </summary>
public class DataFormatException : FormatException
{
    /// <summary>Creates the exception for a problem at a known place in a file.</summary>
    /// <param name="filePath">The file, as the caller named it.</param>
    /// <param name="line">The 1-based line of the file where the record starts (counting every line), or 0 when none.</param>
    /// <param name="row">The 1-based data row (the header not counted), or 0 for the header or no row.</param>
    /// <param name="columnIndex">The 0-based column, or -1 when none.</param>
    /// <param name="columnName">The column's header name, or <see langword="null"/>.</param>
    /// <param name="problem">What is wrong, as a sentence.</param>
    /// <param name="innerException">The exception that revealed the problem, if any.</param>
    public DataFormatException(string filePath, long line, long row, int columnIndex, string? columnName, string problem, Exception? innerException = null)
        : base(Describe(filePath, line, row, columnIndex, columnName, problem), innerException)
    {
        FilePath = filePath;
        Line = line;
        Row = row;
        ColumnIndex = columnIndex;
        ColumnName = columnName;
        Problem = problem;
    }

    /// <summary>The file, as the caller named it.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line of the file where the faulty record starts, counting every line; 0 when the problem is not tied to a line.</summary>
    public long Line { get; }

    /// <summary>The 1-based data row (the header is not counted; row <c>r</c> is sample <c>r - 1</c>); 0 for the header or when no row is at fault.</summary>
    public long Row { get; }

    /// <summary>The 0-based index of the faulty column, or -1 when no single column is at fault.</summary>
    public int ColumnIndex { get; }

    /// <summary>The faulty column's name: its header name, or the name that was asked for and not found; otherwise <see langword="null"/>.</summary>
    public string? ColumnName { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    private static string Describe(string filePath, long line, long row, int columnIndex, string? columnName, string problem)
    {
        var sb = new StringBuilder(filePath);
        if (line > 0)
        {
            sb.Append(", line ").Append(line);
            sb.Append(row > 0 ? $" (data row {row})" : " (header)");
        }
        if (columnIndex >= 0)
        {
            sb.Append(", column ").Append(columnIndex);
        }
        else if (columnName is not null)
        {
            sb.Append(", column");
        }
        if (columnName is not null)
        {
            sb.Append(" '").Append(columnName).Append('\'');
        }
        return sb.Append(": ").Append(problem).ToString();
    }
}
