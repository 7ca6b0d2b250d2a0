using MiniTorch.NN;
using MiniTorch.Optim;

namespace MiniTorch.Distributed.TestRunner;

/// <summary>A process started without mpirun: a world of one that loads no MPI library, where DDP is plain training.</summary>
internal static class SingleProcessScenarios
{
    public static readonly (string Name, Action Run)[] All =
    [
        ("single.world-of-one", WorldOfOne),
        ("single.ddp", Ddp),
    ];

    private static void WorldOfOne()
    {
        Check.That(Distributed.IsInitialized && !Distributed.UsesMpi, "expected a world of one without MPI");
        Check.That(Distributed.Rank == 0 && Distributed.WorldSize == 1 && Distributed.LocalRank == 0 && Distributed.LocalSize == 1, "rank 0 of 1");
        Check.That(!File.ReadAllText("/proc/self/maps").Contains("libmpi", StringComparison.Ordinal), "libmpi was loaded by a world of one");
        var t = Tensor.FromArray(new double[] { 1, -2, 3 });
        foreach (var op in new[] { ReduceOp.Sum, ReduceOp.Avg, ReduceOp.Max, ReduceOp.Min })
        {
            Distributed.AllReduce(t, op);
            Distributed.AllReduceAsync(t, op).Wait();
        }
        Distributed.Broadcast(t, 0);
        Distributed.Barrier();
        Check.Close([1, -2, 3], t, 0, "collectives of a world of one are the identity");
        Check.Close([1, -2, 3], Distributed.AllGather(t), 0, "AllGather of one rank");
        Check.Close([1, -2, 3], Distributed.ReduceScatter(t), 0, "ReduceScatter of one rank");
        // Integer tensors are the identity too, and the dtype rules hold in a world of one as under mpirun.
        var counts = Tensor.FromArray(new long[] { (1L << 60) + 1, -3 }, [2]);
        Distributed.AllReduce(counts);
        Distributed.Broadcast(counts, 0);
        Check.That(counts.ToArray<long>().SequenceEqual(new[] { (1L << 60) + 1, -3 }), "Int64 collectives of a world of one are the identity");
        Check.Throws<NotSupportedException>(() => Distributed.AllReduce(counts, ReduceOp.Avg), "ReduceOp.Avg is not supported for torch.int64 tensors", "Avg of Int64 in a world of one");
        Check.That(Parallelism.MaxThreads == Environment.ProcessorCount, $"one local rank keeps all {Environment.ProcessorCount} threads, got {Parallelism.MaxThreads}");
    }

    private static void Ddp()
    {
        var model = DdpScenarios.Mlp(DType.Float64, 1);
        using var ddp = new DistributedDataParallel(model, bucketCapMb: 0.0002);
        var reference = DdpScenarios.Copy(model, DType.Float64);
        var optimizer = new Sgd(ddp.Parameters(), lr: 0.1);
        var referenceOptimizer = new Sgd(reference.Parameters(), lr: 0.1);
        var data = new Generator(1);
        for (int step = 0; step < 5; step++)
        {
            var x = Tensor.Randn([4, 5], DType.Float64, data);
            optimizer.ZeroGrad();
            Functional.MseLoss(ddp.Call(x), Tensor.Zeros([4, 3], DType.Float64)).Backward();
            optimizer.Step();
            referenceOptimizer.ZeroGrad();
            Functional.MseLoss(reference.Call(x), Tensor.Zeros([4, 3], DType.Float64)).Backward();
            referenceOptimizer.Step();
        }
        DdpScenarios.CompareParameters(reference, model, 0, "DDP in a world of one is plain training");
        Check.That(ddp.StateDict().Keys.First().StartsWith("module.", StringComparison.Ordinal), "DDP's own state dict has PyTorch's module. prefix");
        Check.That(ddp.Module.StateDict().Keys.SequenceEqual(model.StateDict().Keys), "ddp.Module's state dict is the bare model's");
    }
}
