using MiniTorch.Data;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace MiniTorch.Training.Tests;

/// <summary>Resuming from a checkpoint gives bit-for-bit the run that never stopped.</summary>
public sealed class CheckpointResumeTests : IDisposable
{
    private const int Epochs = 6;
    private readonly string _dir = Directory.CreateTempSubdirectory("minitorch-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>One training run: its model, optimizer, scheduler, loader and the generator behind shuffling and dropout.</summary>
    private sealed class Run
    {
        private readonly DataLoader<Tensor[]> _loader;
        private readonly CrossEntropyLoss _loss = new();

        public Run(long seed)
        {
            Generator = new Generator(seed);
            Model = new Sequential(new Linear(8, 16), new Relu(), new Dropout(0.25, Generator), new Linear(16, 3));
            foreach (var p in Model.Parameters())
            {
                Init.NormalInPlace(p, 0, 0.3, Generator);
            }
            Optimizer = new Adam(Model.Parameters(), lr: 0.01);
            Scheduler = new StepLr(Optimizer, stepSize: 2, gamma: 0.5);
            var data = new Generator(7);   // the data set is the same in every run
            var x = Tensor.Randn([48, 8], generator: data);
            var y = Tensor.FromArray(Enumerable.Range(0, 48).Select(i => (long)(i % 3)).ToArray());
            _loader = new DataLoader<Tensor[]>(new TensorDataset(x, y), batchSize: 10, shuffle: true, generator: Generator);
        }

        public Generator Generator { get; }
        public Module Model { get; }
        public Optimizer Optimizer { get; }
        public LrScheduler Scheduler { get; }

        public void Train(int fromEpoch, int toEpoch)
        {
            Model.Train();
            for (int epoch = fromEpoch; epoch <= toEpoch; epoch++)
            {
                foreach (var (x, y) in _loader)
                {
                    Optimizer.ZeroGrad();
                    _loss.Call(Model.Call(x), y).Backward();
                    Optimizer.Step();
                }
                Scheduler.Step();
            }
        }

        /// <summary>Every weight and optimizer buffer as raw bits, in a fixed order.</summary>
        public List<(string Name, float[] Values)> Snapshot()
        {
            var all = Model.StateDict().Select(kv => ("model." + kv.Key, kv.Value.ToArray<float>())).ToList();
            var state = Optimizer.StateDict();
            foreach (var (position, s) in state.State.OrderBy(p => p.Key))
            {
                foreach (var (name, buffer) in s.Buffers.OrderBy(b => b.Key, StringComparer.Ordinal))
                {
                    all.Add(($"optimizer.{position}.{name}.step{s.Step}", buffer.ToArray<float>()));
                }
            }
            all.Add(("lr", [(float)Optimizer.ParamGroups[0].Lr]));
            return all;
        }
    }

    private static void AssertBitIdentical(List<(string Name, float[] Values)> expected, List<(string Name, float[] Values)> actual)
    {
        Assert.Equal(expected.Select(e => e.Name), actual.Select(a => a.Name));
        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i].Values;
            var a = actual[i].Values;
            Assert.Equal(e.Length, a.Length);
            for (int j = 0; j < e.Length; j++)
            {
                if (BitConverter.SingleToInt32Bits(e[j]) != BitConverter.SingleToInt32Bits(a[j]))
                {
                    Assert.Fail($"{expected[i].Name}[{j}]: expected {e[j]:R}, got {a[j]:R}");
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void ResumingAfterEpochKIsBitIdenticalToTrainingStraightThrough(int k)
    {
        var straight = new Run(seed: 1);
        straight.Train(1, Epochs);

        var first = new Run(seed: 1);
        first.Train(1, k);
        string path = Path.Combine(_dir, "last.safetensors");
        Checkpoint.Save(path, first.Model, first.Optimizer, first.Scheduler, k, first.Generator, new Dictionary<string, string> { ["note"] = "k" });

        // A new process would build everything afresh: another seed, so nothing matches unless it is loaded.
        var resumed = new Run(seed: 99);
        var info = Checkpoint.Load(path, resumed.Model, resumed.Optimizer, resumed.Scheduler, resumed.Generator);
        Assert.Equal(k, info.Epoch);
        Assert.Equal("k", info.Metadata["note"]);
        Assert.True(info.HasScheduler);
        Assert.True(info.HasGenerator);
        resumed.Train(info.Epoch + 1, Epochs);

        AssertBitIdentical(straight.Snapshot(), resumed.Snapshot());
    }

    [Fact]
    public void ResumingWithoutTheGeneratorStateGivesAnotherRun()
    {
        // The control for the test above: the generator's state is what keeps shuffling and dropout on track.
        var straight = new Run(seed: 1);
        straight.Train(1, Epochs);
        var first = new Run(seed: 1);
        first.Train(1, 3);
        string path = Path.Combine(_dir, "last.safetensors");
        Checkpoint.Save(path, first.Model, first.Optimizer, first.Scheduler, 3, first.Generator);
        var resumed = new Run(seed: 99);
        Checkpoint.Load(path, resumed.Model, resumed.Optimizer, resumed.Scheduler, generator: null);
        resumed.Train(4, Epochs);

        var expected = straight.Snapshot()[0].Values;
        var actual = resumed.Snapshot()[0].Values;
        Assert.NotEqual(expected, actual);
    }
}
