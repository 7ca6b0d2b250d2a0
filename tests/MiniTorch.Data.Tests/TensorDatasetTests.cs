namespace MiniTorch.Data.Tests;

public class TensorDatasetTests
{
    [Fact]
    public void SampleHoldsTheRowOfEachTensor()
    {
        var x = Tensor.Arange(6.0).View(3, 2);
        var y = Tensor.FromArray(new double[] { 10, 20, 30 });
        var ds = new TensorDataset(x, y);
        Assert.Equal(3, ds.Count);
        var sample = ds[1];
        Assert.Equal(2, sample.Length);
        Assert.Equal([2f, 3f], sample[0].ToFloatArray());
        Assert.Equal(20.0, sample[1].Item());
        Assert.Equal(DType.Float64, sample[1].DType);
        Assert.Same(x, ds.Tensors[0]);
    }

    [Fact]
    public void SizeMismatchNamesEveryShape()
    {
        var e = Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros(150, 4), Tensor.Zeros(149)));
        Assert.Contains("Size mismatch between tensors", e.Message);
        Assert.Contains("tensor 0 has shape [150, 4], tensor 1 has shape [149]", e.Message);
    }

    [Fact]
    public void NoTensorsIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new TensorDataset());
        Assert.Contains("expected at least one tensor", e.Message);
    }

    [Fact]
    public void ZeroDimensionalTensorIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros(3), Tensor.Scalar(1)));
        Assert.Contains("tensor 1 is 0-dimensional", e.Message);
    }

    [Fact]
    public void TryGetBatchCopiesRowsOfHigherRankTensors()
    {
        var images = Tensor.Arange(24.0).View(4, 2, 3);
        var ds = new TensorDataset(images);
        Assert.True(ds.TryGetBatch([3, 0], out var batch));
        Assert.Equal([2, 2, 3], batch[0].Shape);
        Assert.Equal([18f, 19f, 20f, 21f, 22f, 23f, 0f, 1f, 2f, 3f, 4f, 5f], batch[0].ToFloatArray());
    }

    [Fact]
    public void TryGetBatchReadsNonContiguousTensorsInLogicalOrder()
    {
        // The transpose's rows are the columns of the stored matrix.
        var t = Tensor.Arange(6.0).View(2, 3).T;
        Assert.True(new TensorDataset(t).TryGetBatch([2], out var batch));
        Assert.Equal([2f, 5f], batch[0].ToFloatArray());
    }

    [Fact]
    public void TryGetBatchRejectsAnIndexOutOfRange()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TensorDataset(Tensor.Zeros(3)).TryGetBatch([0, 3], out _));
        Assert.Contains("indices[1] = 3 is out of range for a dataset of 3 samples", e.Message);
    }
}
