using System.Globalization;

namespace LinearRegression;

/// <summary>How the program prints vectors, settings and training progress.</summary>
public static class Report
{
    /// <summary>A vector as [a, b, …] with four decimals (or scientific notation for large values).</summary>
    public static string Vector(IReadOnlyList<double> values)
    {
        bool large = values.Any(v => Math.Abs(v) >= 1e4);
        return "[" + string.Join(", ", values.Select(v => v.ToString(large ? "0.000e+00" : "0.0000", CultureInfo.InvariantCulture))) + "]";
    }

    /// <summary>One line naming the optimizer and its settings.</summary>
    public static string Describe(TrainingSettings t) =>
        string.Create(CultureInfo.InvariantCulture, $"{t.Optimizer}: lr {t.LearningRate} (cosine-annealed to 0), batch {t.BatchSize}, {t.Epochs} epochs, seed {t.Seed} (initial weights and shuffling)");

    /// <summary>Prints about ten evenly spaced epochs of a run, and always the first and the last.</summary>
    public static void Progress(EpochProgress p)
    {
        int every = Math.Max(1, p.Epochs / 10);
        if (p.Epoch == 1 || p.Epoch % every == 0 || p.Epoch == p.Epochs)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  epoch {p.Epoch,4}/{p.Epochs}  loss {p.Loss:0.000000}  lr {p.LearningRate:0.0e+00}"));
        }
    }
}
