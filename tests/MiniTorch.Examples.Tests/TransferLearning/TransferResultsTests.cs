using TransferLearning;

namespace MiniTorch.Examples.Tests.TransferLearning;

/// <summary>The accuracies, data splits and timings of the small run.</summary>
[Collection(SmallTransferRunCollection.Name)]
public class TransferResultsTests(SmallTransferRun run)
{
    private readonly TransferResult _result = run.Result;

    [Fact]
    public void PretrainedBackboneClassifiesDigitsZeroToFour()
    {
        // 0.98–1.00 over seeds 0–4 in the small run; 0.95 leaves room and still fails if pretraining breaks.
        Assert.True(_result.Pretrain.TestAccuracy > 0.95, $"pretrain accuracy {_result.Pretrain.TestAccuracy}");
    }

    [Fact]
    public void EachWayOfLearningFiveToNineGeneralisesToHeldOutImages()
    {
        // 0.935–0.962 over seeds 0–4 in the small run, chance 0.2: above 0.9 only if every stage really learned.
        foreach (var stage in new[] { _result.Frozen, _result.Scratch, _result.FineTune })
        {
            Assert.True(stage.TestAccuracy > 0.9, $"{stage.Name}: held-out accuracy {stage.TestAccuracy}");
            Assert.Equal(SmallTransferRun.Settings.TransferEpochs, stage.History.Count);
        }
    }

    [Fact]
    public void LabelledSubsetHasTheSameNumberOfImagesOfEachClassAndIsDisjointFromTheHeldOutImages()
    {
        var data = _result.Data;
        int shots = SmallTransferRun.Settings.ShotsPerClass;
        var counts = new int[5];
        foreach (var sample in data.Labelled)
        {
            counts[(int)sample[1].Item()]++;
        }
        Assert.Equal(Enumerable.Repeat(shots, 5), counts);
        // Digits 5–9 number 182 + 181 + 179 + 174 + 180 = 896 images.
        Assert.Equal(896 - 5 * shots, data.HeldOut.Count);
        var labelled = ((MiniTorch.Data.Subset<Tensor[]>)data.Labelled).Indices;
        var heldOut = ((MiniTorch.Data.Subset<Tensor[]>)data.HeldOut).Indices;
        Assert.Empty(labelled.Intersect(heldOut));
        Assert.All(data.HeldOut, sample => Assert.InRange(sample[1].Item(), 0, 4));
    }

    [Fact]
    public void PretrainingSeesOnlyDigitsZeroToFour()
    {
        var data = _result.Data;
        Assert.Equal(178 + 182 + 177 + 183 + 181, data.PretrainTrain.Count + data.PretrainTest.Count);
        Assert.All(data.PretrainTrain, sample => Assert.InRange(sample[1].Item(), 0, 4));
    }

    [Fact]
    public void EpochTimesAreMeasuredForEveryStage()
    {
        foreach (var stage in new[] { _result.Frozen, _result.Scratch, _result.FineTune })
        {
            Assert.True(stage.MedianEpochTime > TimeSpan.Zero, stage.Name);
            Assert.InRange(stage.MedianEpochTime, stage.History.Min(e => e.Duration), stage.History.Max(e => e.Duration));
        }
    }
}
