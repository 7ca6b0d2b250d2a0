using MiniTorch.Examples;

namespace LinearRegression;

/// <summary>The training-loss curves of the example's runs, in one PNG.</summary>
public static class LossPlot
{
    /// <summary>One run's loss per epoch (index 0 = before training) and the least-squares loss of its data.</summary>
    public sealed record Curve(string Label, double[] Losses, double LeastSquaresLoss);

    /// <summary>Writes the curves to <paramref name="path"/> and returns its full path.</summary>
    /// <remarks>
    /// Plotted is the loss above the least-squares minimum, on a log scale. The raw losses fall to the noise level in
    /// an epoch or two and then look flat, while the gap to the minimum keeps shrinking by orders of magnitude as the
    /// learning rate anneals: that gap is what tells the optimizers apart.
    /// </remarks>
    public static string Save(string path, IReadOnlyList<Curve> curves)
    {
        var series = new List<Plots.Series>();
        foreach (var curve in curves)
        {
            var epochs = new double[curve.Losses.Length];
            var excess = new double[curve.Losses.Length];
            for (int i = 0; i < epochs.Length; i++)
            {
                epochs[i] = i;
                // Never below zero in exact arithmetic; the floor keeps a rounding-level gap off -∞ on the log axis.
                excess[i] = Math.Max(curve.Losses[i] - curve.LeastSquaresLoss, 1e-12 * curve.LeastSquaresLoss);
            }
            series.Add(new Plots.Series(curve.Label, epochs, excess));
        }
        return Plots.SaveLines(path, "Training loss above the least-squares minimum", "epoch", "(training MSE − least-squares MSE)", series, logY: true);
    }
}
