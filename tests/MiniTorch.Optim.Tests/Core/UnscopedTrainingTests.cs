using MiniTorch.NN;

namespace MiniTorch.Optim.Tests.Core;

/// <summary>These tests count collections and switch <see cref="MemoryReuse"/>, which is process-wide: they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class UnscopedTrainingCollection
{
    public const string Name = "Unscoped training (process-wide GC figures)";
}

/// <summary>
/// A training loop written as in PyTorch, without <see cref="TensorScope"/>: with <see cref="MemoryReuse"/> the
/// activations' arrays are recycled, so steady-state steps allocate little and cause no gen-2 collection, and the
/// results are bit for bit those without reuse.
/// </summary>
[Collection(UnscopedTrainingCollection.Name)]
public class UnscopedTrainingTests
{
    private sealed record Setup(Sequential Model, Adam Optimizer, CrossEntropyLoss Loss, Tensor X, Tensor Y);

    private static Setup Mlp(int batch, long seed)
    {
        var g = new Generator(seed);
        var model = new Sequential(new Linear(784, 256, generator: g), new Relu(), new Linear(256, 256, generator: g), new Relu(), new Linear(256, 10, generator: g));
        var x = Tensor.Randn([batch, 784], generator: g);
        var labels = new long[batch];
        for (int i = 0; i < batch; i++)
        {
            labels[i] = g.NextInt(10);
        }
        return new Setup(model, new Adam(model.Parameters(), lr: 1e-3), new CrossEntropyLoss(), x, Tensor.FromArray(labels));
    }

    // Exactly the loop a PyTorch user writes.
    private static double Step(Setup s)
    {
        s.Optimizer.ZeroGrad();
        var loss = s.Loss.Call(s.Model.Call(s.X), s.Y);
        loss.Backward();
        s.Optimizer.Step();
        return loss.Item();
    }

    [Fact]
    public void TrainingWithReuse_IsBitIdenticalToTrainingWithout()
    {
        bool saved = MemoryReuse.Enabled;
        long threshold = MemoryReuse.CollectThresholdBytes;
        try
        {
            MemoryReuse.Enabled = false;
            var plain = Mlp(32, seed: 9);
            var plainLosses = Enumerable.Range(0, 25).Select(_ => Step(plain)).ToList();
            MemoryReuse.Enabled = true;
            MemoryReuse.CollectThresholdBytes = 0; // recycle at every step
            long reclaimed = MemoryReuse.ReclaimedBytes;
            var reused = Mlp(32, seed: 9);
            var reusedLosses = Enumerable.Range(0, 25).Select(_ => Step(reused)).ToList();
            Assert.True(MemoryReuse.ReclaimedBytes > reclaimed, "nothing was recycled");
            Assert.Equal(plainLosses, reusedLosses);
            var a = plain.Model.Parameters().ToList();
            var b = reused.Model.Parameters().ToList();
            for (int i = 0; i < a.Count; i++)
            {
                Assert.Equal(a[i].ToFloatArray(), b[i].ToFloatArray());
                Assert.Equal(plain.Optimizer.GetState(a[i])!.Buffers[BufferNames.ExpAvg].ToFloatArray(), reused.Optimizer.GetState(b[i])!.Buffers[BufferNames.ExpAvg].ToFloatArray());
            }
        }
        finally
        {
            MemoryReuse.Enabled = saved;
            MemoryReuse.CollectThresholdBytes = threshold;
        }
    }

    /// <summary>
    /// The figures, as counts: 200 unscoped batch-256 steps. Without reuse a step allocates ~5 MB of
    /// large-object-heap arrays and causes about one gen-2 collection every two steps; with it, at most one per 100
    /// steps, and the steady-state step allocates small objects only (this thread's bytes: the GEMM's workers and
    /// the forced young collections do not count).
    /// </summary>
    [Fact]
    public void TwoHundredUnscopedSteps_CauseAtMostTwoGen2Collections() => AssertFewGen2Collections(Mlp(256, seed: 0), "MLP");

    /// <summary>
    /// The CNN figure: 200 unscoped steps of the benchmark's CNN at batch 32 (two convolutions, two max
    /// pools). Its large arrays include the max pools' argmax indices, which are pooled Int32 tensors: as bare arrays
    /// they put 1.6 MB per step on the large-object heap and brought gen-2 collections to the limit.
    /// </summary>
    [Fact]
    public void TwoHundredUnscopedCnnSteps_CauseAtMostTwoGen2Collections()
    {
        var g = new Generator(0);
        var model = new Sequential(
            new Conv2d(3, 32, 3, padding: 1, generator: g), new Relu(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, padding: 1, generator: g), new Relu(), new MaxPool2d(2),
            new Flatten(), new Linear(64 * 8 * 8, 10, generator: g));
        var labels = new long[32];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = g.NextInt(10);
        }
        AssertFewGen2Collections(new Setup(model, new Adam(model.Parameters(), lr: 1e-3), new CrossEntropyLoss(), Tensor.Randn([32, 3, 32, 32], generator: g), Tensor.FromArray(labels)), "CNN");
    }

    // 10 warm-up steps, then 200 counted: at most one gen-2 collection per 100 steps, and small objects only per step.
    private static void AssertFewGen2Collections(Setup s, string model)
    {
        Assert.True(MemoryReuse.Enabled);
        for (int i = 0; i < 10; i++)
        {
            Step(s);
        }
        int gen2 = GC.CollectionCount(2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int steps = 200;
        for (int i = 0; i < steps; i++)
        {
            Step(s);
        }
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / steps;
        int collections = GC.CollectionCount(2) - gen2;
        Assert.True(collections <= steps / 100, $"{collections} gen-2 collections in {steps} unscoped {model} steps");
        Assert.True(perStep < 256 * 1024, $"a steady-state unscoped {model} step allocated {perStep} bytes");
    }
}
