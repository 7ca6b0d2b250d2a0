using MiniTorch.NN;
using TransferLearning;

namespace MiniTorch.Examples.Tests.TransferLearning;

public class SafetensorsRoundTripTests
{
    [Fact]
    public void SavedBackboneLoadsIntoAFreshOneWithTheSameStateAndOutputs()
    {
        using var dir = new TempDirectory("minitorch-backbone");
        var original = Networks.Backbone(new Generator(1));
        // Move the BatchNorm statistics away from their initial values, so the round trip has to carry them.
        original.Train();
        original.Call(Tensor.Rand([8, 1, 8, 8], generator: new Generator(2)));
        string path = Path.Combine(dir.Path, "backbone.safetensors");
        original.Save(path, new Dictionary<string, string> { ["task"] = "test" });

        var copy = Networks.Backbone(new Generator(99));
        Assert.NotEqual(original.StateDict()["0.weight"].ToFloatArray(), copy.StateDict()["0.weight"].ToFloatArray());
        var load = copy.Load(path);

        Assert.Empty(load.MissingKeys);
        Assert.Empty(load.UnexpectedKeys);
        var expected = original.StateDict();
        var actual = copy.StateDict();
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, tensor) in expected)
        {
            Assert.Equal(tensor.Shape, actual[name].Shape);
            Assert.Equal(tensor.ToFloatArray(), actual[name].ToFloatArray());
        }
        original.Eval();
        copy.Eval();
        var x = Tensor.Rand([4, 1, 8, 8], generator: new Generator(3));
        Assert.Equal(original.Call(x).ToFloatArray(), copy.Call(x).ToFloatArray());
        Assert.Equal("test", Safetensors.LoadWithMetadata(path).Metadata["task"]);
    }

    [Fact]
    public void FreezeKeepsBatchNormStatisticsWhereRequiresGradFalseAloneDoesNot()
    {
        // Why the example calls Freeze(): in training mode a BatchNorm whose parameters merely stop requiring grad
        // still updates its running statistics, so the "frozen" backbone would drift.
        var x = Tensor.Rand([8, 1, 8, 8], generator: new Generator(4));
        var onlyNoGrad = Networks.Backbone(new Generator(5));
        onlyNoGrad.RequiresGrad(false);
        var frozen = Networks.Backbone(new Generator(5));
        frozen.Freeze();
        var before = ModelInspection.Snapshot(frozen);

        onlyNoGrad.Train().Call(x);
        frozen.Train().Call(x);

        Assert.Contains("1.running_mean", ModelInspection.ChangedEntries(onlyNoGrad, before));
        Assert.Empty(ModelInspection.ChangedEntries(frozen, before));
    }
}
