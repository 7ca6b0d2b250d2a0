namespace MiniTorch.Data.Tests;

public class DataLoaderSamplerTests
{
    /// <summary>Visits the even indices from the back, twice the last one: a sampler may skip and repeat samples.</summary>
    private sealed class EvensBackwards(int n) : Sampler
    {
        public int Epochs { get; private set; }

        public override int Count => (n + 1) / 2 + 1;

        public override IEnumerator<int> GetEnumerator()
        {
            Epochs++;
            for (int i = (n - 1) / 2 * 2; i >= 0; i -= 2)
            {
                yield return i;
            }
            yield return 0;
        }
    }

    private static TensorDataset Numbered(int n) => new(Tensor.Arange(n, DType.Float64).Reshape(n, 1));

    [Fact]
    public void Batches_follow_the_samplers_order_and_length()
    {
        var sampler = new EvensBackwards(9);
        var loader = new DataLoader<Tensor[]>(Numbered(9), batchSize: 2, sampler: sampler);
        Assert.Same(sampler, loader.Sampler);
        Assert.Equal(3, loader.Count); // 6 indices in batches of 2
        var batches = loader.Select(b => b[0].ToDoubleArray()).ToArray();
        Assert.Equal(new[] { new double[] { 8, 6 }, new double[] { 4, 2 }, new double[] { 0, 0 } }, batches);
        Assert.Equal(1, sampler.Epochs);
    }

    [Fact]
    public void DropLast_applies_to_the_samplers_indices()
    {
        var loader = new DataLoader<Tensor[]>(Numbered(9), batchSize: 4, dropLast: true, sampler: new EvensBackwards(9));
        Assert.Equal(1, loader.Count);
        Assert.Equal(new double[] { 8, 6, 4, 2 }, Assert.Single(loader)[0].ToDoubleArray());
    }

    [Fact]
    public void Sampler_and_shuffle_together_is_PyTorchs_error()
    {
        var e = Assert.Throws<ArgumentException>(() => new DataLoader<Tensor[]>(Numbered(4), shuffle: true, sampler: new EvensBackwards(4)));
        Assert.Contains("sampler option is mutually exclusive with shuffle", e.Message, StringComparison.Ordinal);
    }
}
