using MiniTorch;
using MiniTorch.Data;

namespace MiniTorchTrain;

/// <summary>
/// A CSV file split into training and validation rows, with the training rows' feature means and standard
/// deviations (the model standardises with them, so validation rows never leak into them).
/// </summary>
public sealed record TabularData(Dataset<Tensor[]> Train, Dataset<Tensor[]> Validation, Tensor FeatureMean, Tensor FeatureStd, int ClassCount)
{
    /// <summary>The number of feature columns.</summary>
    public int FeatureCount => FeatureMean.Size(0);

    /// <summary>
    /// Reads <paramref name="path"/> (a header line; <paramref name="targetColumn"/> holds class indices 0, 1, …; every
    /// other column is a numeric feature) and splits it at random, seeded by <paramref name="seed"/>.
    /// </summary>
    public static TabularData Load(string path, string targetColumn, double validationFraction, int seed)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The data file {Path.GetFullPath(path)} was not found.", path);
        }
        var csv = new CsvDataset(path, new() { TargetColumns = [targetColumn] });
        var labels = csv.Targets!;
        int classes = CountClasses(path, targetColumn, labels);
        var rows = new TensorDataset(csv.Features, labels);
        var split = Dataset.RandomSplit(rows, [1 - validationFraction, validationFraction], new Generator(seed));
        if (split[0].Count < 2 || split[1].Count == 0)
        {
            throw new InvalidDataException($"{path}: {rows.Count} rows give {split[0].Count} training and {split[1].Count} validation rows; " +
                                           "at least 2 and 1 are needed (change --validation, or use more data).");
        }
        var (mean, std) = Standardisation(split[0]);
        return new TabularData(split[0], split[1], mean, std, classes);
    }

    /// <summary>The number of classes, after checking that every label is a class index.</summary>
    private static int CountClasses(string path, string targetColumn, Tensor labels)
    {
        var values = labels.ToDoubleArray();
        double max = 0;
        for (int row = 0; row < values.Length; row++)
        {
            double v = values[row];
            if (v < 0 || v != Math.Floor(v))
            {
                // Data row numbers start at 2: line 1 is the header.
                throw new InvalidDataException($"{path}, line {row + 2}: column '{targetColumn}' is {v}; the target must be a class index 0, 1, 2, ….");
            }
            max = Math.Max(max, v);
        }
        return (int)max + 1;
    }

    /// <summary>Per-feature mean and population standard deviation of the training rows (1 for a constant column).</summary>
    private static (Tensor Mean, Tensor Std) Standardisation(Dataset<Tensor[]> train)
    {
        // One batch holding every training row.
        var (features, _) = new DataLoader<Tensor[]>(train, batchSize: train.Count).First();
        var mean = features.Mean(0);
        var std = features.Std(0, correction: 0).ToDoubleArray();
        for (int i = 0; i < std.Length; i++)
        {
            if (std[i] == 0)
            {
                std[i] = 1;
            }
        }
        return (mean, Tensor.FromArray(std).To(mean.DType));
    }
}
