using Digits;

namespace MiniTorch.Examples.Tests.Digits;

/// <summary>One small run of the experiment, shared by the tests that read its results.</summary>
public sealed class SmallDigitsRun
{
    /// <summary>
    /// 500 training images, 10 MLP epochs and 3 CNN epochs: a few seconds. Over seeds 0–7 this reached test accuracies
    /// of 0.88–0.92 (MLP) and 0.87–0.96 (CNN); chance is 0.10.
    /// </summary>
    public static readonly DigitsSettings Settings = new() { TrainLimit = 500, MlpEpochs = 10, CnnEpochs = 3 };

    public DigitsResult Result { get; } = DigitsExperiment.Run(Settings);
}

public class DigitsExperimentTests(SmallDigitsRun run) : IClassFixture<SmallDigitsRun>
{
    private readonly DigitsResult _result = run.Result;

    [Fact]
    public void BothModelsLearnTheDigitsWellAboveChance()
    {
        // 0.8 sits below every seed's result in the small run and far above chance (0.1): it fails if training breaks.
        Assert.True(_result.Mlp.TestAccuracy > 0.8, $"MLP test accuracy {_result.Mlp.TestAccuracy}");
        Assert.True(_result.Cnn.TestAccuracy > 0.8, $"CNN test accuracy {_result.Cnn.TestAccuracy}");
    }

    [Fact]
    public void HistoriesHaveOneEntryPerEpochAndTheLossFalls()
    {
        Assert.Equal(SmallDigitsRun.Settings.MlpEpochs, _result.Mlp.History.Count);
        Assert.Equal(SmallDigitsRun.Settings.CnnEpochs, _result.Cnn.History.Count);
        foreach (var run in new[] { _result.Mlp, _result.Cnn })
        {
            Assert.True(run.History[^1].TrainLoss < run.History[0].TrainLoss, $"{run.Name}: {run.History[0].TrainLoss} → {run.History[^1].TrainLoss}");
            Assert.True(run.History[^1].TestLoss < run.History[0].TestLoss, $"{run.Name}: {run.History[0].TestLoss} → {run.History[^1].TestLoss}");
            Assert.All(run.History, e => Assert.InRange(e.TestAccuracy, 0, 1));
        }
    }

    [Fact]
    public void ReportsTheSplitSizesAndModelSizes()
    {
        Assert.Equal(500, _result.TrainCount);
        Assert.Equal(359, _result.TestCount);
        Assert.Equal(17226, _result.Mlp.ParameterCount);
        Assert.Equal(13802, _result.Cnn.ParameterCount);
    }

    [Fact]
    public void TheSameSeedRepeatsTheRunExactly()
    {
        var tiny = new DigitsSettings { TrainLimit = 64, MlpEpochs = 2, CnnEpochs = 1, Seed = 5 };
        var a = DigitsExperiment.Run(tiny);
        var b = DigitsExperiment.Run(tiny);
        foreach (var (x, y) in new[] { (a.Mlp, b.Mlp), (a.Cnn, b.Cnn) })
        {
            Assert.Equal(x.History.Select(e => (e.TrainLoss, e.TestLoss, e.TestAccuracy)), y.History.Select(e => (e.TrainLoss, e.TestLoss, e.TestAccuracy)));
        }
    }
}
