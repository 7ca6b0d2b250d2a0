using Digits;
using MiniTorch.Data;

namespace MiniTorch.Examples.Tests.Digits;

public class DigitsDataTests
{
    [Fact]
    public void LoadsEveryImageScaledToUnitRangeWithTheFilesLabels()
    {
        var (images, labels) = DigitsData.Load();
        Assert.Equal([1797, 1, 8, 8], images.Shape);
        Assert.Equal([1797], labels.Shape);
        Assert.Equal(0.0, images.Min().Item());
        Assert.Equal(1.0, images.Max().Item()); // pixel 16 / 16
        // Images per digit 0..9, as `zcat data/digits.csv.gz | cut -d, -f65 | sort | uniq -c` counts them.
        int[] expected = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];
        var counts = new int[10];
        foreach (long label in labels.ToLongArray())
        {
            counts[(int)label]++;
        }
        Assert.Equal(expected, counts);
        // The first image of the file (a 0): its first row is 0,0,5,13,9,1,0,0.
        Assert.Equal(new float[] { 0, 0, 5, 13, 9, 1, 0, 0 }, (images[0, 0, 0] * 16).ToFloatArray());
        Assert.Equal(0f, labels[0].Item());
    }

    [Fact]
    public void SplitIsEightyTwentyDisjointAndRepeatsForTheSameSeed()
    {
        var settings = new DigitsSettings { Seed = 3 };
        var (train, test) = DigitsData.Split(settings);
        // PyTorch's rule: floor(1797·0.8) = 1437 and floor(1797·0.2) = 359, the one left over goes to the first split.
        Assert.Equal(1438, train.Count);
        Assert.Equal(359, test.Count);
        var trainRows = ((Subset<Tensor[]>)train).Indices;
        var testRows = ((Subset<Tensor[]>)test).Indices;
        Assert.Equal(Enumerable.Range(0, 1797), trainRows.Concat(testRows).Order());

        var (again, _) = DigitsData.Split(settings);
        Assert.Equal(trainRows, ((Subset<Tensor[]>)again).Indices);
        var (other, _) = DigitsData.Split(settings with { Seed = 4 });
        Assert.NotEqual(trainRows, ((Subset<Tensor[]>)other).Indices);
    }

    [Fact]
    public void TrainLimitKeepsTheFirstImagesOfTheTrainingSplit()
    {
        var (full, fullTest) = DigitsData.Split(new DigitsSettings());
        var (limited, test) = DigitsData.Split(new DigitsSettings { TrainLimit = 100 });
        Assert.Equal(100, limited.Count);
        Assert.Equal(fullTest.Count, test.Count);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(full[i][1].Item(), limited[i][1].Item());
            Assert.Equal(full[i][0].ToFloatArray(), limited[i][0].ToFloatArray());
        }
    }
}
