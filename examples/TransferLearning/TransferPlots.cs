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

    /// <summary>Writes <c>label-budgets.png</c>: held-out accuracy against labelled images per class, one line per method.</summary>
    public static string SaveBudgets(LabelBudgetResult result, string outDir)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(outDir);
        var series = result.Points.GroupBy(p => p.Method)
            .Select(g => new Plots.Series(g.Key, [.. g.Select(p => (double)p.LabelsPerClass)], [.. g.Select(p => p.TestAccuracy)]))
            .ToList();
        return Plots.SaveLines(Path.Combine(outDir, "label-budgets.png"), $"Digits 5–9: held-out accuracy ({result.TestImages} images)",
            "labelled images per class", "accuracy", series, legend: Alignment.LowerRight);
    }
}
