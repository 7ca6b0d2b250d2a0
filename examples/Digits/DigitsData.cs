using MiniTorch;
using MiniTorch.Data;

namespace Digits;

/// <summary>
/// The 8×8 handwritten digits of <c>data/digits.csv.gz</c> (1797 images, 64 pixels 0..16 then the label, see
/// <c>data/SOURCE.md</c>), as images of shape (1, 8, 8) scaled to [0, 1] and float class labels 0..9.
/// </summary>
public static class DigitsData
{
    /// <summary>The number of images in the file.</summary>
    public const int ImageCount = 1797;

    /// <summary>Where the data file is: copied next to the binaries by the csproj, so it is found from any working directory.</summary>
    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz");

    /// <summary>Reads every image: images (1797, 1, 8, 8) in [0, 1] and labels (1797).</summary>
    public static (Tensor Images, Tensor Labels) Load()
    {
        if (!File.Exists(FilePath))
        {
            throw new FileNotFoundException($"The digits data was not found at {FilePath}; the csproj copies data/digits.csv.gz next to the binaries.", FilePath);
        }
        var csv = new CsvDataset(FilePath, new() { HasHeader = false, TargetColumns = [-1] });
        // Pixels are counts 0..16 of a 4×4 block; dividing by 16 puts them in [0, 1], the range the default init expects.
        var images = (csv.Features / 16.0).Reshape(-1, 1, 8, 8);
        return (images, csv.Targets!);
    }

    /// <summary>
    /// Splits the images into a training and a test set with <paramref name="settings"/>' seed and test share (the
    /// same seed gives the same split), keeping at most <see cref="DigitsSettings.TrainLimit"/> training images.
    /// </summary>
    public static (Dataset<Tensor[]> Train, Dataset<Tensor[]> Test) Split(DigitsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (images, labels) = Load();
        var all = new TensorDataset(images, labels);
        var split = Dataset.RandomSplit(all, [1 - settings.TestFraction, settings.TestFraction], new Generator(settings.Seed));
        Dataset<Tensor[]> train = split[0];
        if (settings.TrainLimit is int limit && limit < train.Count)
        {
            train = new Subset<Tensor[]>(split[0], Enumerable.Range(0, limit).ToArray());
        }
        return (train, split[1]);
    }
}
