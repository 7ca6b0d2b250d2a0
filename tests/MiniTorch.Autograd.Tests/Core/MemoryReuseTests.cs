namespace MiniTorch.Tests.Core;

/// <summary><see cref="MemoryReuse"/> settings are process-wide, and these tests count collections: they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class MemoryReuseCollection
{
    public const string Name = "Automatic memory reuse (process-wide)";
}

/// <summary>
/// Automatic reuse of unreachable tensors' arrays (<see cref="MemoryReuse"/>): an array is never handed out again while
/// any tensor can still reach it, and results are bit for bit those of a run without reuse.
/// </summary>
[Collection(MemoryReuseCollection.Name)]
public partial class MemoryReuseTests
{
    /// <summary>
    /// Random graphs over thousands of steps with a collection forced at every backward, so arrays are recycled as
    /// eagerly as possible; tensors (views, transposes, outputs of saved-tensor ops, gradients) are kept in a user
    /// list for a random number of steps, and each kept tensor's values are re-checked at every step. Any array reused
    /// while reachable would change a kept tensor or a later result; both are compared with a run without reuse.
    /// </summary>
    [Fact]
    public void RandomGraphsWithKeptViews_NeverSeeARecycledArray_AndMatchARunWithoutReuse()
    {
        var withoutReuse = RunStress(reuse: false, steps: 1000, seed: 17);
        var withReuse = RunStress(reuse: true, steps: 1000, seed: 17);
        Assert.Equal(withoutReuse.Results, withReuse.Results);
        Assert.True(withReuse.Reclaimed > 0, "the stress run recycled nothing, so it tested nothing");
        Assert.Equal(0, withoutReuse.Reclaimed);
    }

    [Fact]
    public void AnArrayGivenBackByItsStorage_NoLongerCountsTowardTheTrackerCap_OnWhicheverThreadItIsDisposed()
    {
        // Without collections (an inference loop whose activations are disposed as they are consumed), the cap on
        // tracked bytes must see only the arrays still out: each early return takes its bytes off the tracker that
        // leased it, also from another thread.
        using var settings = new Settings(reuse: true, thresholdBytes: long.MaxValue);
        using (Autograd.NoGrad())
        {
            // The end of an outermost no-grad region is a safe point: this thread tracks from here on.
        }
        const long bytes = 64 * 64 * sizeof(float);
        var x = Tensor.Randn([64, 64], generator: new Generator(1));
        long before = StorageReclaimer.TrackedBytesOnThisThread;
        var tensors = Enumerable.Range(0, 8).Select(i => x + i).ToList(); // one new 16 KiB array each
        Assert.Equal(before + 8 * bytes, StorageReclaimer.TrackedBytesOnThisThread);
        for (int i = 0; i < 4; i++)
        {
            tensors[i].Dispose();
        }
        var other = new Thread(() =>
        {
            for (int i = 4; i < 8; i++)
            {
                tensors[i].Dispose();
            }
        });
        other.Start();
        other.Join();
        Assert.Equal(before, StorageReclaimer.TrackedBytesOnThisThread);
    }

    [Fact]
    public void ViewOfADroppedBase_SurvivesCollectionsAndReuse()
    {
        using var settings = new Settings(reuse: true, thresholdBytes: 0);
        var w = Tensor.Randn([32, 32], generator: new Generator(1), requiresGrad: true);
        Tensor view = MakeView(w);
        var expected = view.ToDoubleArray();
        for (int i = 0; i < 20; i++)
        {
            // Each step allocates arrays of the base's size, which a recycled base array would be handed out as.
            (Tensor.Randn([64, 64], generator: new Generator(i)) * w.Sum()).Sum().Backward();
            GC.Collect();
        }
        Assert.Equal(expected, view.ToDoubleArray());
        GC.KeepAlive(w);

        static Tensor MakeView(Tensor w)
        {
            var big = Tensor.Randn([64, 64], generator: new Generator(2)) + w.Sum().Detach();
            return big.Narrow(0, 10, 5).T; // the base itself goes out of reach here
        }
    }

    [Fact]
    public void SavedTensorsAndUserCollections_OutliveTheirSteps()
    {
        using var settings = new Settings(reuse: true, thresholdBytes: 0);
        var w = Tensor.Randn([48, 48], generator: new Generator(3), requiresGrad: true);
        var history = new Dictionary<int, (Tensor Value, double[] Expected)>();
        Tensor? pending = null;
        for (int step = 0; step < 30; step++)
        {
            var h = (Tensor.Randn([48, 48], generator: new Generator(100 + step)).Matmul(w)).Tanh();
            if (step % 3 == 0)
            {
                history[step] = (h.Detach(), h.ToDoubleArray());
            }
            if (step == 10)
            {
                // A graph kept across steps: its saved tensors must still be there for a later backward.
                pending = (h * h).Sum();
                continue;
            }
            h.Sum().Backward();
            GC.Collect();
            foreach (var (value, expected) in history.Values)
            {
                Assert.Equal(expected, value.ToDoubleArray());
            }
        }
        var before = w.Grad!.ToDoubleArray();
        pending!.Backward();
        Assert.NotEqual(before, w.Grad!.ToDoubleArray());
        Assert.All(w.Grad!.ToDoubleArray(), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void ScopedTensors_GoBackOnce_WhenScopesAndReuseMix()
    {
        using var settings = new Settings(reuse: true, thresholdBytes: 0);
        var w = Tensor.Randn([40, 40], generator: new Generator(4), requiresGrad: true);
        var kept = new List<(Tensor, double[])>();
        for (int step = 0; step < 40; step++)
        {
            using (TensorScope.Enter())
            {
                var h = Tensor.Randn([40, 40], generator: new Generator(step)).Matmul(w).Relu();
                h.Sum().Backward();
                if (step % 4 == 0)
                {
                    kept.Add((h.Detach().MoveToOuterScope(), h.ToDoubleArray()));
                }
            }
            // Unscoped work between scoped steps: an array returned twice would be handed to two live tensors.
            var a = Tensor.Randn([40, 40], generator: new Generator(1000 + step)) * 2;
            var b = Tensor.Randn([40, 40], generator: new Generator(2000 + step)) * 3;
            (a.Matmul(w) + b).Sum().Backward();
            GC.Collect();
            Assert.False(ReferenceEquals(a.Data<float>(), b.Data<float>()));
            foreach (var (t, expected) in kept)
            {
                Assert.Equal(expected, t.ToDoubleArray());
            }
        }
    }

    [Fact]
    public void AFullPool_DropsTheLeastRecentlyUsedLengths_NotTheNewOne()
    {
        long saved = BufferPool.MaxRetainedBytes;
        try
        {
            BufferPool.Clear();
            BufferPool.MaxRetainedBytes = 1 << 20;
            for (int i = 0; i < 4; i++)
            {
                BufferPool.Return(new float[50_000]); // 800 KB of a length nothing asks for any more
            }
            var fresh = new float[100_000];
            BufferPool.Return(fresh); // 400 KB more would pass the bound: the old length goes, not this one
            Assert.True(BufferPool.RetainedBytes <= 1 << 20, $"{BufferPool.RetainedBytes} bytes retained");
            Assert.Same(fresh, BufferPool.Rent<float>(100_000));
            Assert.Equal(0, BufferPool.RetainedBytes); // the old length's four arrays were dropped whole
        }
        finally
        {
            BufferPool.MaxRetainedBytes = saved;
            BufferPool.Clear();
        }
    }

    private sealed record StressResult(List<double> Results, long Reclaimed);

    private static StressResult RunStress(bool reuse, int steps, int seed)
    {
        using var settings = new Settings(reuse, thresholdBytes: 0);
        long reclaimedBefore = MemoryReuse.ReclaimedBytes;
        var rng = new Random(seed);
        var w = Tensor.Randn([32, 32], generator: new Generator(seed), requiresGrad: true);
        var kept = new List<(Tensor Tensor, double[] Values, int Until)>();
        var results = new List<double>();
        for (int step = 0; step < steps; step++)
        {
            var h = Tensor.Randn([32, 32], generator: new Generator(seed * 7919 + step)) * w;
            int depth = rng.Next(1, 6);
            for (int k = 0; k < depth; k++)
            {
                h = rng.Next(6) switch
                {
                    0 => h.Matmul(w).Tanh(),
                    1 => (h * 0.5 + w).Sigmoid(),
                    2 => h.T.Matmul(w).T,
                    3 => Tensor.Cat([h.Narrow(0, 0, 16), h.Narrow(0, 16, 16) * w.Narrow(0, 0, 16)], 0),
                    4 => (h - h.Mean(1, keepDim: true)).Relu() + 0.01,
                    _ => h.Exp().Log() * w.Softmax(1),
                };
                if (rng.Next(4) == 0)
                {
                    var view = rng.Next(3) switch
                    {
                        0 => h.Narrow(1, rng.Next(16), 8),
                        1 => h.T,
                        _ => h.Select(0, rng.Next(32)),
                    };
                    kept.Add((view, view.ToDoubleArray(), step + rng.Next(1, 40)));
                }
            }
            var loss = h.Pow(2).Mean();
            loss.Backward();
            results.Add(loss.Item());
            results.Add(w.Grad!.Sum().Item());
            if (rng.Next(5) == 0)
            {
                kept.Add((w.Grad!, w.Grad!.ToDoubleArray(), step + rng.Next(1, 10)));
                w.Grad = null;
            }
            kept.RemoveAll(k => k.Until <= step);
            foreach (var (tensor, values, _) in kept)
            {
                Assert.Equal(values, tensor.ToDoubleArray());
            }
        }
        return new StressResult(results, MemoryReuse.ReclaimedBytes - reclaimedBefore);
    }

    /// <summary>Sets <see cref="MemoryReuse"/> for one test and restores it.</summary>
    private sealed class Settings : IDisposable
    {
        private readonly bool _enabled = MemoryReuse.Enabled;
        private readonly long _threshold = MemoryReuse.CollectThresholdBytes;

        public Settings(bool reuse, long thresholdBytes)
        {
            MemoryReuse.Enabled = reuse;
            MemoryReuse.CollectThresholdBytes = thresholdBytes;
        }

        public void Dispose()
        {
            MemoryReuse.Enabled = _enabled;
            MemoryReuse.CollectThresholdBytes = _threshold;
        }
    }
}
