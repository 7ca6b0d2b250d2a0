namespace MiniTorch.Data.Tests;

public class RandomSplitTests
{
    private static TensorDataset Numbers(int n) => new(Tensor.Arange((double)n));

    private static int[] Values(Subset<Tensor[]> subset)
    {
        var values = new int[subset.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (int)subset[i][0].Item();
        }
        return values;
    }

    [Fact]
    public void LengthsGiveDisjointSubsetsCoveringTheDataset()
    {
        var splits = Dataset.RandomSplit(Numbers(10), [7, 3], new Generator(1));
        Assert.Equal(7, splits[0].Count);
        Assert.Equal(3, splits[1].Count);
        var all = new List<int>(Values(splits[0]));
        all.AddRange(Values(splits[1]));
        all.Sort();
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], all);
    }

    [Fact]
    public void SameSeedGivesTheSameSplitAndAnotherSeedAnother()
    {
        var a = Dataset.RandomSplit(Numbers(20), [10, 10], new Generator(7));
        var b = Dataset.RandomSplit(Numbers(20), [10, 10], new Generator(7));
        var c = Dataset.RandomSplit(Numbers(20), [10, 10], new Generator(8));
        Assert.Equal(Values(a[0]), Values(b[0]));
        Assert.Equal(Values(a[1]), Values(b[1]));
        Assert.NotEqual(Values(a[0]), Values(c[0]));
    }

    [Fact]
    public void SplitIsNotTheIdentityOrder()
    {
        var split = Dataset.RandomSplit(Numbers(20), [20], new Generator(3));
        Assert.NotEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19], Values(split[0]));
    }

    [Theory]
    // PyTorch's documented example: random_split(range(30), [0.3, 0.3, 0.4]) gives 9, 9 and 12 samples.
    [InlineData(30, new[] { 0.3, 0.3, 0.4 }, new[] { 9, 9, 12 })]
    // floor(2.5), floor(2.5), floor(5) = 2, 2, 5; the one sample left goes to the first subset.
    [InlineData(10, new[] { 0.25, 0.25, 0.5 }, new[] { 3, 2, 5 })]
    // floor(11/3) = 3 three times; the two left go round-robin to the first and second.
    [InlineData(11, new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }, new[] { 4, 4, 3 })]
    [InlineData(5, new[] { 0.5, 0.5 }, new[] { 3, 2 })]
    [InlineData(3, new[] { 0.0, 1.0 }, new[] { 0, 3 })]
    public void FractionsFloorThenHandOutTheRemainderRoundRobin(int n, double[] fractions, int[] expected)
    {
        var splits = Dataset.RandomSplit(Numbers(n), fractions, new Generator(0));
        var counts = new int[splits.Length];
        for (int i = 0; i < splits.Length; i++)
        {
            counts[i] = splits[i].Count;
        }
        Assert.Equal(expected, counts);
    }

    [Fact]
    public void LengthsThatDoNotAddUpAreRejectedWithBothNumbers()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(Numbers(10), [7, 2]));
        Assert.Contains("Sum of input lengths does not equal the length of the input dataset", e.Message);
        Assert.Contains("add up to 9, the dataset has 10 samples", e.Message);
    }

    [Fact]
    public void NegativeLengthIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(Numbers(10), [12, -2]));
        Assert.Contains("length at index 1 is -2", e.Message);
    }

    [Fact]
    public void FractionOutsideZeroToOneIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(Numbers(10), [1.5, -0.5]));
        Assert.Contains("Fraction at index 0 is not between 0 and 1", e.Message);
    }

    [Fact]
    public void FractionsThatDoNotAddUpToOneAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(Numbers(10), [0.5, 0.4]));
        Assert.Contains("fractions must add up to 1", e.Message);
        Assert.Contains("0.9", e.Message);
    }
}
