namespace MiniTorch.Data.Tests;

public class BatchDeconstructionTests
{
    [Fact]
    public void ForeachTakesBatchesApartLikePythonTuples()
    {
        var ds = new TensorDataset(Tensor.Arange(6.0).View(3, 2), Tensor.FromArray(new float[] { 7, 8, 9 }));
        var xs = new List<float>();
        var ys = new List<float>();
        foreach (var (x, y) in new DataLoader<Tensor[]>(ds, batchSize: 2))
        {
            xs.AddRange(x.ToFloatArray());
            ys.AddRange(y.ToFloatArray());
        }
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], xs);
        Assert.Equal([7f, 8f, 9f], ys);
    }

    [Fact]
    public void ThreeTensors()
    {
        var (a, b, c) = new TensorDataset(Tensor.Zeros(2), Tensor.Ones(2), Tensor.Arange(2.0))[1];
        Assert.Equal(0.0, a.Item());
        Assert.Equal(1.0, b.Item());
        Assert.Equal(1.0, c.Item());
    }

    [Fact]
    public void WrongCountNamesBoth()
    {
        var sample = new TensorDataset(Tensor.Zeros(2), Tensor.Ones(2), Tensor.Arange(2.0))[0];
        var e = Assert.Throws<ArgumentException>(() => { var (x, y) = sample; });
        Assert.Contains("batch of 3 tensors into 2 variables", e.Message);
    }
}
