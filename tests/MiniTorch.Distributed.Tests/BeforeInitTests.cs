using MiniTorch.NN;

namespace MiniTorch.Distributed.Tests;

/// <summary>The test process never calls Distributed.Init (the MPI jobs run in their own processes).</summary>
public sealed class BeforeInitTests
{
    [Fact]
    public void Collectives_and_DDP_before_Init_are_PyTorchs_not_initialized_error()
    {
        Assert.False(Distributed.IsInitialized);
        var e = Assert.Throws<DistributedException>(() => Distributed.AllReduce(Tensor.Zeros(2)));
        Assert.Contains("Distributed.AllReduce: Default process group has not been initialized, please make sure to call Distributed.Init() first.", e.Message, StringComparison.Ordinal);
        Assert.Throws<DistributedException>(() => Distributed.Rank);
        Assert.Throws<DistributedException>(() => Distributed.Barrier());
        var ddp = Assert.Throws<DistributedException>(() => new DistributedDataParallel(new Linear(2, 2)));
        Assert.Contains("call Distributed.Init() first", ddp.Message, StringComparison.Ordinal);
        // Without numReplicas and rank the sampler asks the process group, which is not there yet.
        Assert.Throws<DistributedException>(() => new DistributedSampler(10));
    }

    [Fact]
    public void A_bucket_size_that_is_not_positive_is_rejected_before_anything_else()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedDataParallel(new Linear(2, 2), bucketCapMb: 0));
        Assert.Contains("bucketCapMb must be positive", e.Message, StringComparison.Ordinal);
    }
}
