namespace MiniTorch.Data;

/// <summary>
/// A column of a CSV file, chosen by its 0-based index (negative counts from the end: -1 is the last column)
/// or by its header name. Converts implicitly from <see cref="int"/> and <see cref="string"/>, so a list of
/// columns reads <c>[0, 1, "petal width"]</c>.
/// </summary>
public readonly record struct CsvColumn
{
    private CsvColumn(int index, string? name)
    {
        Index = index;
        Name = name;
    }

    /// <summary>The column's index when chosen by index (negative from the end); 0 when chosen by name.</summary>
    public int Index { get; }

    /// <summary>The header name when chosen by name; otherwise <see langword="null"/>.</summary>
    public string? Name { get; }

    /// <summary>The column at <paramref name="index"/> (0-based; -1 is the last column).</summary>
    public static CsvColumn At(int index) => new(index, null);

    /// <summary>The column whose header is <paramref name="name"/>.</summary>
    public static CsvColumn Named(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(0, name);
    }

    /// <summary><paramref name="count"/> consecutive columns from <paramref name="start"/>, such as the 64 pixel columns of an 8×8 image.</summary>
    public static CsvColumn[] Range(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var columns = new CsvColumn[count];
        for (int i = 0; i < count; i++)
        {
            columns[i] = At(start + i);
        }
        return columns;
    }

    /// <summary>The column at <paramref name="index"/>.</summary>
    public static implicit operator CsvColumn(int index) => At(index);

    /// <summary>The column named <paramref name="name"/>.</summary>
    public static implicit operator CsvColumn(string name) => Named(name);

    /// <summary>The index or the quoted name, as error messages show it.</summary>
    public override string ToString() => Name is null ? Index.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"'{Name}'";
}
