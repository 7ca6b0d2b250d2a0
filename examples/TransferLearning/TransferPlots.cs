using MiniTorch.Examples;
using ScottPlot;

namespace TransferLearning;

/// <summary>The held-out accuracy of the three ways to learn digits 5–9, per epoch, as a PNG file.</summary>
public static class TransferPlots
{
    /// <summary>Writes <c>transfer.png</c> into <paramref name="outDir"/>; returns its full path.</summary>
    public static string Save(TransferResult result, string outDir)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(outDir);
        var series = new[] { (result.Frozen, "frozen backbone"), (result.Scratch, "from scratch"), (result.FineTune, "full fine-tune") }
            .Select(s => new Plots.Series(s.Item2,
                s.Item1.History.Select(e => (double)e.Epoch).ToArray(),
                s.Item1.History.Select(e => e.TestAccuracy).ToArray()))
            .ToList();
        return Plots.SaveLines(Path.Combine(outDir, "transfer.png"), "Digits 5–9 from few labelled images: held-out accuracy",
            "epoch", "accuracy", series, legend: Alignment.LowerRight);
    }
}
