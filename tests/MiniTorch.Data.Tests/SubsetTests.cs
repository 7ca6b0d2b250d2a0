namespace MiniTorch.Data.Tests;

public class SubsetTests
{
    private static TensorDataset Rows(int n) =>
        new(Tensor.Arange(n * 2.0).View(n, 2), Tensor.Arange((double)n) * 100);

    [Fact]
    public void ReadsTheUnderlyingSamplesInSubsetOrder()
    {
        var subset = new Subset<Tensor[]>(Rows(5), [4, 0, 2]);
        Assert.Equal(3, subset.Count);
        Assert.Equal([8f, 9f], subset[0][0].ToFloatArray());
        Assert.Equal(400.0, subset[0][1].Item());
        Assert.Equal([0f, 1f], subset[1][0].ToFloatArray());
        Assert.Equal([4, 0, 2], subset.Indices);
    }

    [Fact]
    public void OutOfRangeIndexFailsWhenTheSubsetIsMade()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Subset<Tensor[]>(Rows(5), [1, 5]));
        Assert.Contains("indices[1] = 5 is out of range for a dataset of 5 samples", e.Message);
    }

    [Fact]
    public void BatchGoesThroughTheUnderlyingDatasetWithMappedIndices()
    {
        var subset = new Subset<Tensor[]>(Rows(5), [3, 1]);
        Assert.True(subset.TryGetBatch([1, 0], out var batch));
        Assert.Equal([2, 2], batch[0].Shape);
        Assert.Equal([2f, 3f, 6f, 7f], batch[0].ToFloatArray());
        Assert.Equal([100f, 300f], batch[1].ToFloatArray());
    }
}
