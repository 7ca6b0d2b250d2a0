namespace MiniTorch.Data.Tests;

public class DatasetTests
{
    /// <summary>A dataset of the numbers 0..n-1 times ten, to test the base class alone.</summary>
    private sealed class TimesTen(int count) : Dataset<int>
    {
        public override int Count => count;

        protected override int GetItem(int index) => index * 10;
    }

    [Fact]
    public void IndexerAndGetReturnTheSample()
    {
        var ds = new TimesTen(4);
        Assert.Equal(30, ds[3]);
        Assert.Equal(20, ds.Get(2));
    }

    [Fact]
    public void EnumeratesInIndexOrder()
    {
        var seen = new List<int>();
        foreach (int x in new TimesTen(3))
        {
            seen.Add(x);
        }
        Assert.Equal([0, 10, 20], seen);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    public void OutOfRangeIndexNamesTheIndexAndTheSize(int index)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TimesTen(4)[index]);
        Assert.Contains($"index {index} is out of range for a dataset of 4 samples", e.Message);
        Assert.Contains("TimesTen", e.Message);
    }

    [Fact]
    public void TryGetBatchDeclinesByDefault()
    {
        Assert.False(new TimesTen(4).TryGetBatch([0, 1], out int batch));
        Assert.Equal(0, batch);
    }
}
