using MiniTorch.NN;
using MiniTorch.Optim;

namespace MiniTorch.Training.Tests;

public sealed class CheckpointErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minitorch-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Saved(Optimizer? optimizer = null, bool withScheduler = false, bool withGenerator = false)
    {
        var model = new Linear(3, 2);
        optimizer ??= new Sgd(model.Parameters(), lr: 0.1, momentum: 0.9);
        string path = Path.Combine(_dir, "ckpt.safetensors");
        Checkpoint.Save(path, model, optimizer, withScheduler ? new StepLr(optimizer, 1) : null, 2, withGenerator ? new Generator(3) : null);
        return path;
    }

    [Fact]
    public void APlainStateDictFileIsRejectedWithAHint()
    {
        var model = new Linear(3, 2);
        string path = Path.Combine(_dir, "weights.safetensors");
        model.Save(path);
        var e = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load(path, model, new Sgd(model.Parameters(), lr: 0.1)));
        Assert.Contains("weights.safetensors", e.Message);
        Assert.Contains("model.Load", e.Message);
    }

    [Fact]
    public void AskingForASchedulerOrGeneratorThatWasNotSavedThrows()
    {
        string path = Saved();
        var model = new Linear(3, 2);
        var optimizer = new Sgd(model.Parameters(), lr: 0.1, momentum: 0.9);
        var e = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load(path, model, optimizer, new StepLr(optimizer, 1)));
        Assert.Contains("without one", e.Message);
        e = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load(path, model, optimizer, generator: new Generator()));
        Assert.Contains("generator", e.Message);
    }

    [Fact]
    public void AnotherOptimizerTypeIsRejected()
    {
        string path = Saved();
        var model = new Linear(3, 2);
        var e = Assert.Throws<ArgumentException>(() => Checkpoint.Load(path, model, new Adam(model.Parameters())));
        Assert.Contains("Sgd", e.Message);
    }

    [Fact]
    public void AnotherModelShapeIsRejected()
    {
        string path = Saved();
        var model = new Linear(4, 2);
        Assert.Throws<StateDictException>(() => Checkpoint.Load(path, model, new Sgd(model.Parameters(), lr: 0.1, momentum: 0.9)));
    }

    [Fact]
    public void ASchedulerOfAnotherOptimizerIsRejectedOnSave()
    {
        var model = new Linear(3, 2);
        var optimizer = new Sgd(model.Parameters(), lr: 0.1);
        var other = new Sgd(new Linear(3, 2).Parameters(), lr: 0.1);
        var e = Assert.Throws<ArgumentException>(() => Checkpoint.Save(Path.Combine(_dir, "x.safetensors"), model, optimizer, new StepLr(other, 1), 0));
        Assert.Contains("another optimizer", e.Message);
    }

    [Fact]
    public void OptimizerStepCountsAndMomentumBuffersRoundTrip()
    {
        var model = new Linear(3, 2);
        var optimizer = new Sgd(model.Parameters(), lr: 0.1, momentum: 0.9);
        model.Call(Tensor.Ones(4, 3)).Sum().Backward();
        optimizer.Step();
        optimizer.ParamGroups[0].Lr = 0.025;
        string path = Path.Combine(_dir, "ckpt.safetensors");
        Checkpoint.Save(path, model, optimizer, null, 1);

        var model2 = new Linear(3, 2);
        var optimizer2 = new Sgd(model2.Parameters(), lr: 0.5, momentum: 0.9);
        Checkpoint.Load(path, model2, optimizer2);
        Assert.Equal(0.025, optimizer2.ParamGroups[0].Lr);
        var expected = optimizer.StateDict();
        var actual = optimizer2.StateDict();
        Assert.Equal(expected.State.Keys.Order(), actual.State.Keys.Order());
        foreach (var (position, state) in expected.State)
        {
            Assert.Equal(state.Step, actual.State[position].Step);
            foreach (var (name, buffer) in state.Buffers)
            {
                Assert.Equal(buffer.ToArray<float>(), actual.State[position][name].ToArray<float>());
            }
        }
        Assert.Equal(model.StateDict()["weight"].ToArray<float>(), model2.StateDict()["weight"].ToArray<float>());
    }
}
