namespace MiniTorch.NN.Tests.Modules;

/// <summary>These tests count collections and switch <see cref="MemoryReuse"/>, which is process-wide: they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class UnscopedInferenceCollection
{
    public const string Name = "Unscoped inference (process-wide GC figures)";
}

/// <summary>
/// An inference loop written as in PyTorch (<c>with torch.no_grad(): model(x)</c>), without <see cref="TensorScope"/>
/// and without any backward pass: the end of each outermost <see cref="Autograd.NoGrad"/> region recycles the
/// arrays of unreachable activations, so the loop does not feed the large-object heap, and results are bit for bit
/// those without reuse.
/// </summary>
[Collection(UnscopedInferenceCollection.Name)]
public class UnscopedInferenceTests
{
    private static Sequential Cnn(Generator g) => new(
        new Conv2d(1, 16, 3, padding: 1, generator: g), new BatchNorm2d(16), new Relu(), new MaxPool2d(2),
        new Conv2d(16, 32, 3, padding: 1, generator: g), new Relu(), new MaxPool2d(2),
        new Flatten(), new Linear(32 * 2 * 2, 10, generator: g));

    private static Sequential Mlp(Generator g) => new(
        new Linear(784, 256, generator: g), new Relu(), new Linear(256, 256, generator: g), new Relu(), new Linear(256, 10, generator: g));

    private static Tensor Infer(Module model, Tensor x)
    {
        using (Autograd.NoGrad())
        {
            return model.Call(x);
        }
    }

    private static List<float[]> Run(Sequential model, IReadOnlyList<Tensor> inputs, int calls)
    {
        var outputs = new List<float[]>(calls);
        for (int i = 0; i < calls; i++)
        {
            outputs.Add(Infer(model, inputs[i % inputs.Count]).ToFloatArray());
        }
        return outputs;
    }

    [Fact]
    public void InferenceWithReuse_IsBitIdenticalToInferenceWithout_AndRecyclesArrays()
    {
        bool saved = MemoryReuse.Enabled;
        long threshold = MemoryReuse.CollectThresholdBytes;
        try
        {
            var g = new Generator(3);
            var model = Cnn(g);
            model.Eval();
            var inputs = Enumerable.Range(0, 3).Select(_ => Tensor.Randn([64, 1, 8, 8], generator: g)).ToList();
            MemoryReuse.Enabled = false;
            var plain = Run(model, inputs, 30);
            MemoryReuse.Enabled = true;
            MemoryReuse.CollectThresholdBytes = 0; // collect and recycle at every call
            long reclaimed = MemoryReuse.ReclaimedBytes;
            var reused = Run(model, inputs, 30);
            Assert.True(MemoryReuse.ReclaimedBytes > reclaimed, "no array was recycled at the end of the no-grad regions");
            Assert.Equal(plain, reused);
        }
        finally
        {
            MemoryReuse.Enabled = saved;
            MemoryReuse.CollectThresholdBytes = threshold;
        }
    }

    [Fact]
    public void OutputsKeptAcrossCalls_StayValid_WhileLaterCallsReuseMemory()
    {
        long threshold = MemoryReuse.CollectThresholdBytes;
        try
        {
            MemoryReuse.CollectThresholdBytes = 0;
            var g = new Generator(4);
            var model = Mlp(g);
            var x = Tensor.Randn([32, 784], generator: g);
            var kept = new List<Tensor>();
            for (int i = 0; i < 40; i++)
            {
                var y = Infer(model, x * (1 + i));
                if (i % 4 == 0)
                {
                    kept.Add(y[.., ..5]); // a view: its base storage must stay out of the pool
                }
            }
            GC.Collect();
            Infer(model, x); // one more safe point after a full collection
            for (int k = 0; k < kept.Count; k++)
            {
                var expected = Infer(model, x * (1 + 4 * k))[.., ..5];
                Assert.Equal(expected.ToFloatArray(), kept[k].ToFloatArray());
            }
        }
        finally
        {
            MemoryReuse.CollectThresholdBytes = threshold;
        }
    }

    /// <summary>
    /// The fast-by-default figures for inference, as counts: 200 batch-256 calls. Without reuse each call allocates
    /// four activation arrays of 256 KiB on the large-object heap (a gen-2 collection every few calls); with it, at
    /// most one gen-2 collection per 100 calls and small objects only on this thread.
    /// </summary>
    [Fact]
    public void TwoHundredUnscopedInferenceCalls_CauseAtMostTwoGen2Collections()
    {
        Assert.True(MemoryReuse.Enabled);
        var g = new Generator(5);
        var model = Mlp(g);
        var x = Tensor.Randn([256, 784], generator: g);
        for (int i = 0; i < 10; i++)
        {
            Infer(model, x);
        }
        int gen2 = GC.CollectionCount(2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int calls = 200;
        for (int i = 0; i < calls; i++)
        {
            Infer(model, x);
        }
        long perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
        int collections = GC.CollectionCount(2) - gen2;
        Assert.True(collections <= calls / 100, $"{collections} gen-2 collections in {calls} unscoped inference calls");
        Assert.True(perCall < 128 * 1024, $"a steady-state unscoped inference call allocated {perCall} bytes (an activation is 256 KiB)");
    }
}
