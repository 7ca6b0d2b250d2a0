namespace MiniTorch.Data;

/// <summary>
/// A <see cref="TensorDataset"/> read from a CSV file (gzip-compressed when its name ends in ".gz"): sample
/// <c>i</c> is <c>[features[i], targets[i]]</c>, or <c>[features[i]]</c> when no target columns are chosen.
/// Numbers are read with the invariant culture ('.' decimal point, whatever the machine's culture). Features and
/// targets are Float32 unless <see cref="CsvDatasetOptions.DType"/> and <see cref="CsvDatasetOptions.TargetDType"/>
/// say otherwise (Int64 class labels, Bool flags).
/// </summary>
/// <remarks>
/// The whole file is read when the dataset is made, and every record is checked: a field that is not a
/// number, a missing value, a row with too few or too many fields, broken quoting, a column that does not
/// exist, an integer column holding "2.5", a Bool column holding "yes" or an empty file each throw a <see cref="DataFormatException"/> naming the file, line, data row and
/// column. No row is skipped.
/// </remarks>
/// <example>
/// <code>
/// var iris = new CsvDataset("data/iris.csv", new CsvDatasetOptions { SkipLines = 1, HasHeader = false, TargetColumns = [-1], TargetDType = DType.Int64 });
/// // iris.Features: Float32 [150, 4]; iris.Targets: Int64 [150] holding the class 0, 1 or 2
/// </code>
/// </example>
public sealed class CsvDataset : TensorDataset
{
    /// <summary>Reads <paramref name="path"/> as <paramref name="options"/> describe (by default: a header, ',' separated, every column a float32 feature).</summary>
    /// <exception cref="DataFormatException">The file's content does not fit the options (see the remarks).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public CsvDataset(string path, CsvDatasetOptions? options = null)
        : this(path, options ?? DefaultOptions, CsvTableReader.Read(path, options ?? DefaultOptions))
    {
    }

    // Options are immutable records, so one default instance serves every dataset.
    private static readonly CsvDatasetOptions DefaultOptions = new();

    private CsvDataset(string path, CsvDatasetOptions options, CsvTable table) : base(table.Tensors)
    {
        FilePath = path;
        Options = options;
        Features = table.Features;
        Targets = table.Targets;
        FeatureNames = table.FeatureNames;
        TargetNames = table.TargetNames;
    }

    /// <summary>The file the data came from.</summary>
    public string FilePath { get; }

    /// <summary>The options the file was read with.</summary>
    public CsvDatasetOptions Options { get; }

    /// <summary>The features, of shape [rows, feature columns].</summary>
    public Tensor Features { get; }

    /// <summary>The targets: [rows] for one target column, [rows, target columns] for several, <see langword="null"/> for none.</summary>
    public Tensor? Targets { get; }

    /// <summary>The header name of each feature column, or "column i" without a header.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The header name of each target column, or "column i" without a header.</summary>
    public IReadOnlyList<string> TargetNames { get; }
}
