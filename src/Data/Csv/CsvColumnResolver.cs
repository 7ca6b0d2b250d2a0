namespace MiniTorch.Data;

/// <summary>Turns the columns asked for (by index or header name) into field indices of one file.</summary>
internal sealed class CsvColumnResolver(string path, IReadOnlyList<string> headers, int fieldCount, long line, long row)
{
    /// <summary>The field indices of <paramref name="columns"/>, in order.</summary>
    /// <exception cref="DataFormatException">A name that no header has (or several have), or an index outside the file's columns.</exception>
    public int[] Resolve(IReadOnlyList<CsvColumn> columns)
    {
        var indices = new int[columns.Count];
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = Resolve(columns[i]);
        }
        return indices;
    }

    /// <summary>Every field index that is not in <paramref name="excluded"/>, in file order.</summary>
    public int[] AllExcept(int[] excluded)
    {
        var rest = new List<int>(fieldCount);
        for (int c = 0; c < fieldCount; c++)
        {
            if (Array.IndexOf(excluded, c) < 0)
            {
                rest.Add(c);
            }
        }
        return [.. rest];
    }

    /// <summary>The header name of field <paramref name="index"/>, or <see langword="null"/> without a header.</summary>
    public string? NameOf(int index) => index < headers.Count ? headers[index] : null;

    private int Resolve(CsvColumn column) => column.Name is { } name ? ResolveName(name) : ResolveIndex(column.Index);

    private int ResolveIndex(int index)
    {
        int resolved = index < 0 ? index + fieldCount : index;
        if (resolved < 0 || resolved >= fieldCount)
        {
            throw new DataFormatException(path, line, row, -1, null,
                $"column index {index} is out of range: the file has {fieldCount} columns (indices 0..{fieldCount - 1}, or -1..-{fieldCount} from the end).");
        }
        return resolved;
    }

    private int ResolveName(string name)
    {
        if (headers.Count == 0)
        {
            throw new DataFormatException(path, line, row, -1, name,
                "a column is chosen by name but the file is read without a header (HasHeader = false); choose it by index.");
        }
        // Exact first, then ignoring case and surrounding spaces, as CsvHelper matches header names.
        int found = Find(name, static (header, wanted) => string.Equals(header, wanted, StringComparison.Ordinal));
        if (found < 0)
        {
            found = Find(name, static (header, wanted) => string.Equals(header.Trim(), wanted.Trim(), StringComparison.OrdinalIgnoreCase));
        }
        if (found < 0)
        {
            throw new DataFormatException(path, line, 0, -1, name,
                $"no column has this name. The header's columns are: {string.Join(", ", Quoted(headers))}.");
        }
        return found;
    }

    private int Find(string name, Func<string, string, bool> matches)
    {
        int found = -1;
        for (int c = 0; c < headers.Count; c++)
        {
            if (!matches(headers[c], name))
            {
                continue;
            }
            if (found >= 0)
            {
                throw new DataFormatException(path, line, 0, -1, name,
                    $"the name is ambiguous: columns {found} and {c} of the header both match it; choose the column by index.");
            }
            found = c;
        }
        return found;
    }

    private static IEnumerable<string> Quoted(IReadOnlyList<string> names)
    {
        foreach (var n in names)
        {
            yield return $"'{n}'";
        }
    }
}
