namespace MiniTorch.Data;

/// <summary>What <see cref="CsvTableReader"/> read from a file: the tensors and the names of their columns.</summary>
internal sealed record CsvTable(Tensor Features, Tensor? Targets, string[] FeatureNames, string[] TargetNames)
{
    /// <summary>The tensors of a dataset over this table: features, then targets if any.</summary>
    public Tensor[] Tensors => Targets is null ? [Features] : [Features, Targets];
}
