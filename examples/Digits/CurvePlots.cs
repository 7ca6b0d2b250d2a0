using MiniTorch.Examples;
using ScottPlot;

namespace Digits;

/// <summary>The loss and accuracy curves of both models, per epoch, as PNG files.</summary>
public static class CurvePlots
{
    /// <summary>Writes <c>loss.png</c> and <c>accuracy.png</c> into <paramref name="outDir"/>; returns their full paths.</summary>
    public static IReadOnlyList<string> Save(DigitsResult result, string outDir)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(outDir);
        var loss = new List<Plots.Series>();
        var accuracy = new List<Plots.Series>();
        foreach (var run in new[] { result.Mlp, result.Cnn })
        {
            double[] epochs = run.History.Select(e => (double)e.Epoch).ToArray();
            loss.Add(new($"{run.Name} train", epochs, run.History.Select(e => e.TrainLoss).ToArray()));
            loss.Add(new($"{run.Name} test", epochs, run.History.Select(e => e.TestLoss).ToArray()));
            accuracy.Add(new($"{run.Name} train", epochs, run.History.Select(e => e.TrainAccuracy).ToArray()));
            accuracy.Add(new($"{run.Name} test", epochs, run.History.Select(e => e.TestAccuracy).ToArray()));
        }
        return
        [
            Plots.SaveLines(Path.Combine(outDir, "loss.png"), "Digits: cross-entropy loss", "epoch", "loss", loss, logY: true),
            Plots.SaveLines(Path.Combine(outDir, "accuracy.png"), "Digits: accuracy", "epoch", "accuracy", accuracy, legend: Alignment.LowerRight),
        ];
    }
}
