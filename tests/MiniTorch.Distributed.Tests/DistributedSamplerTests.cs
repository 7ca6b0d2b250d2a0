namespace MiniTorch.Distributed.Tests;

public sealed class DistributedSamplerTests
{
    private static int[][] Shards(int n, int replicas, bool shuffle, bool dropLast, long seed = 0, int epoch = 0)
    {
        var shards = new int[replicas][];
        for (int r = 0; r < replicas; r++)
        {
            var sampler = new DistributedSampler(n, replicas, r, shuffle, seed, dropLast);
            sampler.SetEpoch(epoch);
            shards[r] = [.. sampler];
            Assert.Equal(sampler.Count, shards[r].Length);
        }
        return shards;
    }

    [Fact]
    public void Unshuffled_shards_are_PyTorchs_index_lists_padded_from_the_start()
    {
        // PyTorch: indices = range(10) + [0, 1] (padding to 12), rank r takes indices[r:12:3].
        var shards = Shards(10, 3, shuffle: false, dropLast: false);
        Assert.Equal(new[] { 0, 3, 6, 9 }, shards[0]);
        Assert.Equal(new[] { 1, 4, 7, 0 }, shards[1]);
        Assert.Equal(new[] { 2, 5, 8, 1 }, shards[2]);
    }

    [Fact]
    public void DropLast_cuts_the_tail_as_PyTorch_does()
    {
        // PyTorch: num_samples = ceil((10 - 3) / 3) = 3, total_size 9: indices[:9], rank r takes [r:9:3].
        var shards = Shards(10, 3, shuffle: false, dropLast: true);
        Assert.Equal(new[] { 0, 3, 6 }, shards[0]);
        Assert.Equal(new[] { 1, 4, 7 }, shards[1]);
        Assert.Equal(new[] { 2, 5, 8 }, shards[2]);
        Assert.Equal(9, new DistributedSampler(10, 3, 0, dropLast: true).TotalSize);
    }

    [Fact]
    public void Padding_repeats_the_list_when_it_is_shorter_than_the_padding()
    {
        // 2 samples on 5 replicas: PyTorch pads [0, 1] to [0, 1, 0, 1, 0] (indices * ceil(3 / 2), cut to 3).
        var shards = Shards(2, 5, shuffle: false, dropLast: false);
        Assert.Equal(new[] { 0, 1, 0, 1, 0 }, shards.Select(s => Assert.Single(s)).ToArray());
    }

    [Theory]
    [InlineData(100, 3, false)]
    [InlineData(101, 4, false)]
    [InlineData(101, 4, true)]
    [InlineData(7, 7, false)]
    public void Shuffled_shards_are_disjoint_equal_length_and_cover_the_dataset(int n, int replicas, bool dropLast)
    {
        var shards = Shards(n, replicas, shuffle: true, dropLast, seed: 42, epoch: 3);
        int perRank = shards[0].Length;
        Assert.All(shards, s => Assert.Equal(perRank, s.Length));
        var all = shards.SelectMany(s => s).ToArray();
        int padding = all.Length - n;
        if (dropLast)
        {
            Assert.Equal(n / replicas * replicas, all.Length);
            Assert.Equal(all.Length, all.Distinct().Count());
        }
        else
        {
            Assert.Equal((n + replicas - 1) / replicas * replicas, all.Length);
            Assert.Equal(n, all.Distinct().Count()); // complete
            Assert.Equal(all.Length - padding, all.Distinct().Count()); // only the padding repeats
        }
        Assert.All(all, i => Assert.InRange(i, 0, n - 1));
    }

    [Fact]
    public void SetEpoch_reshuffles_and_the_same_epoch_gives_the_same_order()
    {
        var sampler = new DistributedSampler(50, 2, 1, shuffle: true, seed: 7);
        int[] epoch0 = [.. sampler];
        int[] again = [.. sampler];
        sampler.SetEpoch(1);
        int[] epoch1 = [.. sampler];
        Assert.Equal(epoch0, again);
        Assert.NotEqual(epoch0, epoch1);
        Assert.Equal(epoch0.OrderBy(i => i).Count(), epoch1.Length);
        var other = new DistributedSampler(50, 2, 1, shuffle: true, seed: 8);
        Assert.NotEqual(epoch0, other.ToArray());
    }

    [Fact]
    public void A_rank_outside_the_replicas_is_PyTorchs_error()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedSampler(10, 2, 2));
        Assert.Contains("Invalid rank 2, rank should be in the interval [0, 1]", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedSampler(10, 0, 0));
    }

    [Fact]
    public void The_DataLoader_batches_the_shard_of_its_rank()
    {
        var x = Tensor.Arange(10, DType.Float64).Reshape(10, 1);
        var dataset = new MiniTorch.Data.TensorDataset(x);
        var sampler = new DistributedSampler(dataset.Count, numReplicas: 3, rank: 1, shuffle: false);
        var loader = new MiniTorch.Data.DataLoader<Tensor[]>(dataset, batchSize: 3, sampler: sampler);
        Assert.Equal(2, loader.Count);
        var batches = loader.Select(b => b[0].ToDoubleArray()).ToArray();
        Assert.Equal(new double[] { 1, 4, 7 }, batches[0]);
        Assert.Equal(new double[] { 0 }, batches[1]);
    }
}
