using MiniTorch.NN;
using MiniTorch.Optim;

namespace MiniTorch.Distributed.TestRunner;

/// <summary>
/// DistributedDataParallel against one process: every rank also trains a plain copy of the model on the whole global
/// batch (the concatenation of all ranks' shards), so "DDP equals one process" is checked inside one launch.
/// </summary>
internal static class DdpScenarios
{
    private const int Steps = 20;
    private const int PerRank = 4;

    public static readonly (string Name, Action Run)[] All =
    [
        ("ddp.equivalence-f64", () => Equivalence(DType.Float64, 1e-12)),
        ("ddp.equivalence-f32", () => Equivalence(DType.Float32, 1e-5)),
        ("ddp.overlap", Overlap),
        ("ddp.frozen", Frozen),
        ("ddp.nosync", NoSyncAccumulation),
        ("ddp.unused", UnusedParameters),
        ("ddp.find-unused", FindUnusedParameters),
        ("ddp.buffers", BufferBroadcast),
        ("ddp.mismatch", Mismatch),
        ("ddp.checkpoint", Checkpoint),
    ];

    /// <summary>A small MLP; the seed differs per rank so that the broadcast at construction is what makes ranks equal.</summary>
    internal static Sequential Mlp(DType dtype, long seed, int hidden = 8)
    {
        var g = new Generator(seed);
        return new Sequential(new Linear(5, hidden, dtype: dtype, generator: g), new Tanh(), new Linear(hidden, hidden, dtype: dtype, generator: g), new Tanh(), new Linear(hidden, 3, dtype: dtype, generator: g));
    }

    internal static Sequential Copy(Module source, DType dtype, int hidden = 8)
    {
        var copy = Mlp(dtype, 999, hidden);
        foreach (var (name, p) in copy.NamedParameters())
        {
            var value = source.GetParameter(name)!;
            using (Autograd.NoGrad())
            {
                p.CopyFromInPlace(value);
            }
            p.RequiresGrad = value.RequiresGrad;
        }
        return copy;
    }

    /// <summary>The global batch of one step, the same on every rank (one generator seeded alike), rows rank-major.</summary>
    private static (Tensor X, Tensor Y) GlobalBatch(Generator g, int rows, DType dtype)
        => (Tensor.Randn([rows, 5], dtype, g), Tensor.Randn([rows, 3], dtype, g));

    private static Tensor Shard(Tensor global) => global.Narrow(0, Distributed.Rank * PerRank, PerRank);

    private static void Equivalence(DType dtype, double tolerance)
    {
        var model = Mlp(dtype, 100 + Distributed.Rank);
        using var ddp = new DistributedDataParallel(model, bucketCapMb: 0.0002); // several buckets even for this small model
        Check.That(ddp.Buckets.Count > 1, $"expected several buckets, got {ddp.Buckets.Count}");
        var reference = Copy(ddp.Module, dtype);
        var optimizer = new Sgd(ddp.Parameters(), lr: 0.1, momentum: 0.9);
        var referenceOptimizer = new Sgd(reference.Parameters(), lr: 0.1, momentum: 0.9);
        var data = new Generator(7);
        int world = Distributed.WorldSize;
        for (int step = 0; step < Steps; step++)
        {
            var (x, y) = GlobalBatch(data, world * PerRank, dtype);
            optimizer.ZeroGrad();
            Functional.MseLoss(ddp.Call(Shard(x)), Shard(y)).Backward();
            optimizer.Step();
            referenceOptimizer.ZeroGrad();
            Functional.MseLoss(reference.Call(x), y).Backward();
            referenceOptimizer.Step();
        }
        CompareParameters(reference, ddp.Module, tolerance, $"DDP {dtype} after {Steps} steps vs one process on the global batch");
        CheckSameOnAllRanks(ddp.Module, $"DDP {dtype} parameters");
    }

    internal static void CompareParameters(Module expected, Module actual, double tolerance, string what)
    {
        foreach (var (name, p) in expected.NamedParameters())
        {
            Check.Close(p.ToDoubleArray(), actual.GetParameter(name)!, tolerance, $"{what}: parameter '{name}'");
        }
    }

    /// <summary>All ranks hold bit-identical parameters: rank 0's broadcast copy must equal each rank's own.</summary>
    private static void CheckSameOnAllRanks(Module module, string what)
    {
        foreach (var (name, p) in module.NamedParameters())
        {
            var mine = p.Detach().Clone();
            Distributed.Broadcast(mine, 0);
            Check.Close(p.ToDoubleArray(), mine, 0, $"{what}: '{name}' on rank {Distributed.Rank} vs rank 0");
        }
    }

    private static void Overlap()
    {
        // Four layers, one bucket per parameter: backward produces the last layer's gradients first, so the first
        // bucket's all-reduce must start before the first layer's gradient exists.
        var g = new Generator(3);
        var model = new Sequential(new Linear(5, 6, dtype: DType.Float64, generator: g), new Tanh(), new Linear(6, 6, dtype: DType.Float64, generator: g), new Tanh(),
            new Linear(6, 6, dtype: DType.Float64, generator: g), new Tanh(), new Linear(6, 2, dtype: DType.Float64, generator: g));
        using var ddp = new DistributedDataParallel(model, bucketCapMb: 1e-9);
        Check.That(ddp.Buckets.Count == 8, $"expected one bucket per parameter (8), got {ddp.Buckets.Count}");
        Check.That(ddp.Buckets[0].ParameterNames.SequenceEqual(new[] { "6.bias" }), $"bucket 0 should hold the last registered parameter, holds {string.Join(",", ddp.Buckets[0].ParameterNames)}");
        var events = new List<string>();
        ddp.BucketReduceStarted += b => events.Add($"bucket {b.Index}");
        using var hook = model.GetParameter("0.weight")!.RegisterHook(grad => { events.Add("first layer gradient"); return null; });
        var x = Tensor.Randn([4, 5], DType.Float64, new Generator(11 + Distributed.Rank));
        ddp.Call(x).Sum().Backward();
        int firstBucket = events.IndexOf("bucket 0");
        int firstLayer = events.IndexOf("first layer gradient");
        Check.That(firstBucket >= 0 && firstLayer >= 0, $"events seen: {string.Join(", ", events)}");
        Check.That(firstBucket < firstLayer, $"the first bucket's all-reduce did not start before backward reached the first layer: {string.Join(", ", events)}");
        Check.That(events.Count(e => e.StartsWith("bucket", StringComparison.Ordinal)) == 8, $"every bucket starts exactly once: {string.Join(", ", events)}");
    }

    private static void Frozen()
    {
        var model = Mlp(DType.Float64, 200 + Distributed.Rank);
        var frozenWeight = model.GetParameter("0.weight")!;
        var frozenBias = model.GetParameter("0.bias")!;
        frozenWeight.RequiresGrad = false;
        frozenBias.RequiresGrad = false;
        using var ddp = new DistributedDataParallel(model);
        foreach (var bucket in ddp.Buckets)
        {
            Check.That(!bucket.ParameterNames.Contains("0.weight") && !bucket.ParameterNames.Contains("0.bias"), "a frozen parameter is in a gradient bucket");
        }
        var weightBefore = frozenWeight.ToDoubleArray();
        var biasBefore = frozenBias.ToDoubleArray();
        var reference = Copy(ddp.Module, DType.Float64);
        var optimizer = new Sgd(ddp.Parameters(), lr: 0.05);
        var referenceOptimizer = new Sgd(reference.Parameters(), lr: 0.05);
        var data = new Generator(5);
        for (int step = 0; step < 5; step++)
        {
            var (x, y) = GlobalBatch(data, Distributed.WorldSize * PerRank, DType.Float64);
            optimizer.ZeroGrad();
            Functional.MseLoss(ddp.Call(Shard(x)), Shard(y)).Backward();
            optimizer.Step();
            referenceOptimizer.ZeroGrad();
            Functional.MseLoss(reference.Call(x), y).Backward();
            referenceOptimizer.Step();
        }
        Check.That(frozenWeight.Grad is null && frozenBias.Grad is null, "a frozen parameter got a gradient");
        Check.Close(weightBefore, frozenWeight, 0, "frozen weight (bit-identical)");
        Check.Close(biasBefore, frozenBias, 0, "frozen bias (bit-identical)");
        CompareParameters(reference, ddp.Module, 1e-12, "DDP with a frozen first layer");
    }

    private static void NoSyncAccumulation()
    {
        const int micro = 3;
        var model = Mlp(DType.Float64, 300 + Distributed.Rank);
        using var ddp = new DistributedDataParallel(model);
        var reference = Copy(ddp.Module, DType.Float64);
        int world = Distributed.WorldSize;
        var data = new Generator(9);
        var batches = new (Tensor X, Tensor Y)[micro];
        for (int k = 0; k < micro; k++)
        {
            batches[k] = GlobalBatch(data, world * PerRank, DType.Float64);
        }
        int syncs = 0;
        ddp.BucketReduceStarted += _ => syncs++;
        for (int k = 0; k < micro; k++)
        {
            var (x, y) = batches[k];
            if (k < micro - 1)
            {
                using (ddp.NoSync())
                {
                    (Functional.MseLoss(ddp.Call(Shard(x)), Shard(y)) / micro).Backward();
                }
                Check.That(syncs == 0, "a backward under NoSync started an all-reduce");
            }
            else
            {
                (Functional.MseLoss(ddp.Call(Shard(x)), Shard(y)) / micro).Backward();
            }
        }
        Check.That(syncs == ddp.Buckets.Count, $"the synchronised backward should reduce every bucket once, saw {syncs}");
        // One large batch: all micro-batches of all ranks at once, loss the mean over all of them.
        var allX = Tensor.Cat(batches.Select(b => b.X).ToArray(), 0);
        var allY = Tensor.Cat(batches.Select(b => b.Y).ToArray(), 0);
        Functional.MseLoss(reference.Call(allX), allY).Backward();
        foreach (var (name, p) in reference.NamedParameters())
        {
            Check.Close(p.Grad!.ToDoubleArray(), ddp.Module.GetParameter(name)!.Grad!, 1e-12, $"NoSync accumulation over {micro} micro-batches: gradient of '{name}'");
        }
    }

    private sealed class WithSpareHead : Module
    {
        private readonly Linear _used;

        public WithSpareHead(long seed, bool useSpareOnRankZero = false)
        {
            var g = new Generator(seed);
            _used = RegisterModule("used", new Linear(5, 3, dtype: DType.Float64, generator: g));
            Spare = RegisterModule("spare", new Linear(5, 3, dtype: DType.Float64, generator: g));
            UseSpareOnRankZero = useSpareOnRankZero;
        }

        public Linear Spare { get; }

        public bool UseSpareOnRankZero { get; }

        protected override Tensor Forward(Tensor input)
            => UseSpareOnRankZero && Distributed.Rank == 0 ? _used.Call(input) + Spare.Call(input) : _used.Call(input);
    }

    private static void UnusedParameters()
    {
        using var ddp = new DistributedDataParallel(new WithSpareHead(1));
        var x = Tensor.Randn([PerRank, 5], DType.Float64, new Generator(Distributed.Rank));
        Check.Throws<DistributedException>(() => ddp.Call(x).Sum().Backward(), "'spare.weight', 'spare.bias'", "a parameter without gradient");
        // The error leaves DDP usable: the next step (with the model fixed by freezing the spare head) works.
        foreach (var p in ((WithSpareHead)ddp.Module).Spare.Parameters())
        {
            p.RequiresGrad = false;
        }
        Check.Throws<DistributedException>(() => ddp.Call(x).Sum().Backward(), "spare", "frozen after wrapping is still expected (buckets are fixed at construction)");
    }

    private static void FindUnusedParameters()
    {
        // The spare head is used on rank 0 only: its averaged gradient is rank 0's divided by the world size, and the
        // other ranks, which did not use it, receive it too.
        var module = new WithSpareHead(2, useSpareOnRankZero: true);
        using var ddp = new DistributedDataParallel(module, findUnusedParameters: true);
        var spare = module.Spare.Weight;
        int world = Distributed.WorldSize;
        var xs = new Tensor[world];
        for (int r = 0; r < world; r++)
        {
            xs[r] = Tensor.Randn([PerRank, 5], DType.Float64, new Generator(40 + r));
        }
        ddp.Call(xs[Distributed.Rank]).Sum().Backward();
        // Rank 0's gradient of sum(spare(x0)) w.r.t. the weight is the column sums of x0, for each of the 3 outputs.
        var x0 = xs[0].ToDoubleArray();
        var expected = new double[15];
        for (int o = 0; o < 3; o++)
        {
            for (int i = 0; i < 5; i++)
            {
                double sum = 0;
                for (int row = 0; row < PerRank; row++)
                {
                    sum += x0[row * 5 + i];
                }
                expected[o * 5 + i] = sum / world;
            }
        }
        Check.That(spare.Grad is not null, "the spare head's gradient should be set on every rank");
        Check.Close(expected, spare.Grad!, 1e-12, "gradient of a parameter used on rank 0 only");

        // A parameter no rank uses keeps no gradient.
        var none = new WithSpareHead(3);
        using var ddp2 = new DistributedDataParallel(none, findUnusedParameters: true);
        ddp2.Call(xs[Distributed.Rank]).Sum().Backward();
        Check.That(none.Spare.Weight.Grad is null, "a parameter unused on every rank got a gradient");
        Check.That(none.GetParameter("used.weight")!.Grad is not null, "the used parameter got no gradient");
    }

    private static void BufferBroadcast()
    {
        var model = new Sequential(new Linear(5, 4, dtype: DType.Float64, generator: new Generator(4)), new BatchNorm1d(4, dtype: DType.Float64));
        using var ddp = new DistributedDataParallel(model);
        var runningMean = model.GetBuffer("1.running_mean")!;
        var runningVar = model.GetBuffer("1.running_var")!;
        // Give each rank its own statistics; the forward must use rank 0's (broadcast_buffers=True).
        runningMean.FillInPlace(Distributed.Rank + 0.5);
        runningVar.FillInPlace(Distributed.Rank + 2);
        ddp.Eval();
        var x = Tensor.Randn([3, 5], DType.Float64, new Generator(8));
        var y = ddp.Call(x);
        Check.Close(new double[] { 0.5, 0.5, 0.5, 0.5 }, runningMean, 0, "running_mean after the forward (rank 0's)");
        Check.Close(new double[] { 2, 2, 2, 2 }, runningVar, 0, "running_var after the forward (rank 0's)");
        var h = model.GetSubmodule("0").Call(x).ToDoubleArray();
        var bn = (BatchNorm1d)model.GetSubmodule("1");
        var gamma = bn.GetParameter("weight")!.ToDoubleArray();
        var beta = bn.GetParameter("bias")!.ToDoubleArray();
        var expected = new double[h.Length];
        for (int i = 0; i < h.Length; i++)
        {
            expected[i] = (h[i] - 0.5) / Math.Sqrt(2 + 1e-5) * gamma[i % 4] + beta[i % 4];
        }
        Check.Close(expected, y, 1e-12, "BatchNorm output with rank 0's statistics");
    }

    private static void Mismatch()
    {
        // Rank 1 builds a wider hidden layer: every rank must get the same error naming the first differing parameter.
        int hidden = Distributed.Rank == 1 ? 9 : 8;
        var model = Mlp(DType.Float32, 1, hidden);
        var started = Distributed.WallTime();
        Check.Throws<DistributedException>(() => new DistributedDataParallel(model), "parameter '0.weight' torch.float32 [8, 5], but rank 1 has parameter '0.weight' torch.float32 [9, 5]", "models that differ on rank 1");
        double seconds = Distributed.WallTime() - started;
        Check.That(seconds < 10, $"the mismatch error took {seconds:F1} s");
        var longer = Distributed.Rank == 1 ? new Sequential(new Linear(5, 8), new Linear(8, 2)) : new Sequential(new Linear(5, 8));
        Check.Throws<DistributedException>(() => new DistributedDataParallel(longer), "rank 0 lacks parameter '1.weight'", "rank 1 has an extra layer");
        // Layers without parameters do not matter: the same parameters under the same names are the same model.
        var sameParameters = Distributed.Rank == 1 ? new Sequential(new Linear(5, 8), new Relu()) : new Sequential(new Linear(5, 8), new Tanh());
        using var fine = new DistributedDataParallel(sameParameters);
    }

    private static void Checkpoint()
    {
        var model = Mlp(DType.Float32, 500 + Distributed.Rank);
        using var ddp = new DistributedDataParallel(model);
        string path = Path.Combine(Path.GetTempPath(), $"minitorch-ddp-{Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_JOBID") ?? "job"}-{Distributed.WorldSize}.safetensors");
        DistributedCheckpoint.Save(ddp, path);
        var restored = Mlp(DType.Float32, 777);
        DistributedCheckpoint.Load(restored, path);
        CompareParameters(ddp.Module, restored, 0, "checkpoint saved on rank 0 and loaded on every rank");
        Distributed.Barrier();
        if (Distributed.Rank == 0)
        {
            File.Delete(path);
        }
    }
}
