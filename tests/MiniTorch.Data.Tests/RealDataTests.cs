namespace MiniTorch.Data.Tests;

/// <summary>The repository's real data sets (data/SOURCE.md) load with their known shapes and values.</summary>
public class RealDataTests
{
    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "data", name);

    /// <summary>How many targets have each class 0..classes-1; fails on a value that is not one of them.</summary>
    private static int[] ClassCounts(Tensor targets, int classes)
    {
        var counts = new int[classes];
        foreach (float t in targets.ToFloatArray())
        {
            Assert.True(t == Math.Floor(t) && t >= 0 && t < classes, $"label {t} is not a class 0..{classes - 1}");
            counts[(int)t]++;
        }
        return counts;
    }

    [Fact]
    public void Iris()
    {
        var iris = new CsvDataset(DataFile("iris.csv"), new CsvDatasetOptions { SkipLines = 1, HasHeader = false, TargetColumns = [-1] });
        Assert.Equal([150, 4], iris.Features.Shape);
        Assert.Equal([150], iris.Targets!.Shape);
        Assert.Equal([50, 50, 50], ClassCounts(iris.Targets, 3));
        Assert.Equal([5.1f, 3.5f, 1.4f, 0.2f], iris[0][0].ToFloatArray());
        Assert.Equal(0.0, iris[0][1].Item());
        Assert.Equal([5.9f, 3.0f, 5.1f, 1.8f], iris[149][0].ToFloatArray());
        Assert.Equal(2.0, iris[149][1].Item());
        // descr/iris.rst: sepal length min 4.3, max 7.9, mean 5.84.
        var sepalLength = iris.Features[.., 0];
        Assert.Equal(4.3, sepalLength.Min().Item(), 5);
        Assert.Equal(7.9, sepalLength.Max().Item(), 5);
        Assert.Equal(5.84, sepalLength.Mean().Item(), 2);
    }

    [Fact]
    public void Wine()
    {
        var wine = new CsvDataset(DataFile("wine_data.csv"), new CsvDatasetOptions { SkipLines = 1, HasHeader = false, TargetColumns = [-1] });
        Assert.Equal([178, 13], wine.Features.Shape);
        // descr/wine_data.rst: class_0 (59), class_1 (71), class_2 (48).
        Assert.Equal([59, 71, 48], ClassCounts(wine.Targets!, 3));
        Assert.Equal(14.23f, wine.Features.GetValue(0, 0), 5);
        Assert.Equal(1065f, wine.Features.GetValue(0, 12));
        Assert.Equal(560f, wine.Features.GetValue(177, 12));
        // Proline ranges over 278..1680.
        var proline = wine.Features[.., 12];
        Assert.Equal(278.0, proline.Min().Item());
        Assert.Equal(1680.0, proline.Max().Item());
    }

    [Fact]
    public void WineSummaryLineIsNotAHeader()
    {
        // Read with the summary line as a header, the 14-field rows do not match its 5 fields.
        var e = Assert.Throws<DataFormatException>(() => new CsvDataset(DataFile("wine_data.csv")));
        Assert.Equal(2, e.Line);
        Assert.Equal(5, e.ColumnIndex);
        Assert.Contains("the row has 14 fields but the header has 5", e.Message);
    }

    [Fact]
    public void Diabetes()
    {
        var x = new CsvDataset(DataFile("diabetes_data_raw.csv.gz"), new CsvDatasetOptions { HasHeader = false, Separator = ' ', DType = DType.Float64 }).Features;
        var y = new CsvDataset(DataFile("diabetes_target.csv.gz"), new CsvDatasetOptions { HasHeader = false, DType = DType.Float64 }).Features;
        Assert.Equal([442, 10], x.Shape);
        Assert.Equal([442, 1], y.Shape);
        Assert.Equal([59.0, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87], x[0].ToDoubleArray());
        Assert.Equal([36.0, 1, 19.6, 71, 250, 133.2, 97, 3, 4.5951, 92], x[441].ToDoubleArray());
        Assert.Equal(48.5180995475113, x[.., 0].Mean().Item(), 9);
        var diabetes = new TensorDataset(x, y.View(-1));
        Assert.Equal(442, diabetes.Count);
        Assert.Equal(151.0, diabetes[0][1].Item());
        Assert.Equal(57.0, diabetes[441][1].Item());
        Assert.Equal(25.0, y.Min().Item());
        Assert.Equal(346.0, y.Max().Item());
        Assert.Equal(152.133484162896, y.Mean().Item(), 9);
    }

    [Fact]
    public void Digits()
    {
        var digits = new CsvDataset(DataFile("digits.csv.gz"), new CsvDatasetOptions { HasHeader = false, TargetColumns = [-1] });
        Assert.Equal([1797, 64], digits.Features.Shape);
        Assert.Equal([178, 182, 177, 183, 181, 182, 181, 179, 174, 180], ClassCounts(digits.Targets!, 10));
        Assert.Equal(0.0, digits.Features.Min().Item());
        Assert.Equal(16.0, digits.Features.Max().Item());
        // The first image is a 0: its top row of pixels, and its label.
        Assert.Equal([0f, 0f, 5f, 13f, 9f, 1f, 0f, 0f], digits.Features[0, ..8].ToFloatArray());
        Assert.Equal(0.0, digits.Targets![0].Item());
        Assert.Equal(8.0, digits.Targets[1796].Item());
        // As 8x8 images for a CNN: [N, 1, 8, 8].
        var images = digits.Features.View(-1, 1, 8, 8);
        Assert.Equal(13.0, images.GetValue(0, 0, 0, 3));
    }

    [Fact]
    public void DigitsThroughAShuffledLoaderCoverEveryImageOnce()
    {
        var digits = new CsvDataset(DataFile("digits.csv.gz"), new CsvDatasetOptions { HasHeader = false, TargetColumns = [-1] });
        var split = Dataset.RandomSplit(digits, [0.8, 0.2], new Generator(0));
        var (train, test) = (split[0], split[1]);
        Assert.Equal(1438, train.Count);
        Assert.Equal(359, test.Count);
        var loader = new DataLoader<Tensor[]>(train, batchSize: 64, shuffle: true, generator: new Generator(1));
        Assert.Equal(23, loader.Count);
        double pixelSum = 0;
        int images = 0;
        foreach (var batch in loader)
        {
            Assert.Equal(64, batch[0].Size(1));
            images += batch[0].Size(0);
            pixelSum += batch[0].Sum().Item();
        }
        double expected = 0;
        foreach (int i in train.Indices)
        {
            expected += digits.Features[i].Sum().Item();
        }
        Assert.Equal(1438, images);
        Assert.Equal(expected, pixelSum, 6);
    }
}
