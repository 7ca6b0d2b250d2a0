using MiniTorch.NN;
using TransferLearning;

namespace MiniTorch.Examples.Tests.TransferLearning;

/// <summary>What freezing promises, checked on the model the experiment trained.</summary>
[Collection(SmallTransferRunCollection.Name)]
public class FrozenBackboneTests(SmallTransferRun run)
{
    private readonly TransferResult _result = run.Result;

    private Module Backbone => _result.FrozenModel.GetSubmodule("backbone");

    private Module Head => _result.FrozenModel.GetSubmodule("head");

    [Fact]
    public void BackboneIsBitIdenticalToTheSavedFileAfterHeadTraining()
    {
        Assert.Empty(_result.BackboneChanges);
        // Independently of the experiment's own snapshot: the file written before head training against the weights and
        // BatchNorm statistics after it, bit for bit.
        var saved = Safetensors.Load(_result.BackbonePath);
        var now = Backbone.StateDict();
        Assert.Equal(saved.Keys, now.Keys);
        foreach (var (name, tensor) in now)
        {
            var expected = saved[name].ToFloatArray().Select(BitConverter.SingleToInt32Bits);
            var actual = tensor.ToFloatArray().Select(BitConverter.SingleToInt32Bits);
            Assert.True(expected.SequenceEqual(actual), $"backbone entry {name} changed during head training");
        }
        Assert.Contains("running_mean", string.Join(",", now.Keys)); // the statistics are among what was compared
    }

    [Fact]
    public void TheHeadDidTrain()
    {
        var fresh = Networks.Head(new Generator(Settings.Seed * 100 + 3));
        Assert.NotEqual(fresh.Weight.ToFloatArray(), ((Linear)Head).Weight.ToFloatArray());
    }

    [Fact]
    public void OptimizerHoldsExactlyTheHeadsParameters()
    {
        Assert.True(_result.OptimizerHoldsOnlyHead);
        var held = _result.HeadOptimizer.ParamGroups.SelectMany(g => g.Params).ToList();
        var head = Head.Parameters();
        Assert.Equal(2, held.Count); // weight and bias
        Assert.Equal(head.Count, held.Count);
        for (int i = 0; i < head.Count; i++)
        {
            Assert.Same(head[i], held[i]);
        }
        var backbone = Backbone.Parameters();
        Assert.DoesNotContain(held, p => backbone.Any(b => ReferenceEquals(b, p)));
    }

    [Fact]
    public void TrainableAndFrozenCountsAreTheSumsOfParameterSizes()
    {
        long head = Head.Parameters().Sum(p => (long)p.Numel);
        long backbone = Backbone.Parameters().Sum(p => (long)p.Numel);
        Assert.Equal(new ParameterCounts(head, backbone), _result.Counts);
        Assert.Equal(Networks.FeatureCount * 5 + 5, head);                          // Linear(512, 5)
        Assert.Equal((16 * 9 + 16) + 2 * 16 + (32 * 16 * 9 + 32) + 2 * 32, backbone); // two convs, two BatchNorms
        Assert.Equal(_result.FrozenModel.Parameters().Sum(p => (long)p.Numel), _result.Counts.Trainable + _result.Counts.Frozen);
    }

    [Fact]
    public void BackwardNeverReachedTheFrozenBackbone()
    {
        Assert.All(Backbone.Parameters(), p =>
        {
            Assert.False(p.RequiresGrad);
            Assert.Null(p.Grad);
        });
        Assert.All(Backbone.Modules(), m => Assert.True(m.IsFrozen));
        Assert.All(Head.Parameters(), p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void LoadedBackboneEqualsThePretrainedOne() => Assert.Empty(_result.LoadedBackboneChanges);

    private static TransferSettings Settings => SmallTransferRun.Settings;
}
