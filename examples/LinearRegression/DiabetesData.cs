using MiniTorch;
using MiniTorch.Data;

namespace LinearRegression;

/// <summary>
/// The diabetes data of Efron et al. (2004), 442 patients × 10 baseline variables and disease progression a year
/// later, read with <see cref="CsvDataset"/> from the files next to the binaries (see data/SOURCE.md), and the
/// features standardised to mean 0 and standard deviation 1.
/// </summary>
public sealed class DiabetesData
{
    /// <summary>The column names, in file order (the files have no header; data/descr/diabetes.rst names them).</summary>
    public static IReadOnlyList<string> FeatureNames { get; } = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"];

    private DiabetesData(Tensor rawFeatures, Tensor targets)
    {
        RawFeatures = rawFeatures;
        Targets = targets;
        FeatureMean = rawFeatures.Mean(0);
        // The population standard deviation (divide by n), as scikit-learn's StandardScaler.
        FeatureStd = rawFeatures.Std(0, correction: 0);
        Features = (rawFeatures - FeatureMean) / FeatureStd;
    }

    /// <summary>The folder the data files are copied to by the build: <c>data/</c> beside the binaries.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>The features as in the file (age in years, bmi, blood pressure, serum measurements), [442, 10].</summary>
    public Tensor RawFeatures { get; }

    /// <summary>The standardised features, [442, 10].</summary>
    public Tensor Features { get; }

    /// <summary>Disease progression one year after baseline, [442].</summary>
    public Tensor Targets { get; }

    /// <summary>The per-column mean used for standardising.</summary>
    public Tensor FeatureMean { get; }

    /// <summary>The per-column population standard deviation used for standardising.</summary>
    public Tensor FeatureStd { get; }

    /// <summary>Reads diabetes_data_raw.csv.gz and diabetes_target.csv.gz from <paramref name="directory"/>.</summary>
    public static DiabetesData Load(string? directory = null)
    {
        directory ??= DefaultDirectory;
        string featuresPath = Path.Combine(directory, "diabetes_data_raw.csv.gz");
        string targetsPath = Path.Combine(directory, "diabetes_target.csv.gz");
        foreach (var path in new[] { featuresPath, targetsPath })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Diabetes data file not found: {path}. The build copies data/diabetes_*.csv.gz of the repository there; rebuild the example.", path);
            }
        }
        var x = new CsvDataset(featuresPath, new() { HasHeader = false, Separator = ' ' }).Features;
        var y = new CsvDataset(targetsPath, new() { HasHeader = false }).Features.View(-1);
        return new DiabetesData(x, y);
    }
}
