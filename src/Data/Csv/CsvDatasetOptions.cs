namespace MiniTorch.Data;

/// <summary>How <see cref="CsvDataset"/> reads a file: its layout and which columns become features and targets.</summary>
public sealed record CsvDatasetOptions
{
    /// <summary>Whether the first record (after <see cref="SkipLines"/>) holds the column names. Defaults to <see langword="true"/>.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>The field separator, an ASCII character such as ',', ';', '\t' or ' '. Defaults to ','; never guessed from the file.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>
    /// Lines to skip at the start of the file before the header or data, such as a summary line that is not a
    /// header (scikit-learn's iris.csv starts with "150,4,setosa,…"). Lines end at '\n'. Defaults to 0.
    /// </summary>
    public int SkipLines { get; init; }

    /// <summary>
    /// The columns that make the features, in this order; <see langword="null"/> (the default) takes every column
    /// that is not a target, in file order.
    /// </summary>
    public IReadOnlyList<CsvColumn>? FeatureColumns { get; init; }

    /// <summary>
    /// The columns that make the targets, in this order. None (the default) gives a dataset of features only; one
    /// gives 1-D targets of shape [rows]; several give targets of shape [rows, columns].
    /// </summary>
    public IReadOnlyList<CsvColumn> TargetColumns { get; init; } = [];

    /// <summary>
    /// The dtype of the features, and of the targets unless <see cref="TargetDType"/> says otherwise: Float32 (the
    /// default), Float64, Int64, Int32 or Bool. Floats accept decimal numbers with '.', exponents, "nan" and "inf";
    /// integers accept whole numbers only ("2.5" and "2.0" are errors, not truncated); Bool accepts true, false (any
    /// case), 1 and 0.
    /// </summary>
    public DType DType { get; init; } = DType.Float32;

    /// <summary>
    /// The dtype of the targets when it differs from the features': <see cref="DType.Int64"/> for class labels (what
    /// <c>CrossEntropyLoss</c> takes, PyTorch's <c>torch.long</c>), <see cref="DType.Bool"/> for flags. <see langword="null"/>
    /// (the default) reads the targets in <see cref="DType"/>.
    /// </summary>
    public DType? TargetDType { get; init; }
}
