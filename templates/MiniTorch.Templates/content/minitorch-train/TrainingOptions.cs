using System.Globalization;

namespace MiniTorchTrain;

/// <summary>The command line of the training script, with its defaults.</summary>
public sealed record TrainingOptions
{
    /// <summary>The help text printed after a command-line error.</summary>
    public const string Usage =
        "usage: MiniTorchTrain [--data FILE.csv] [--target COLUMN] [--epochs N] [--batch-size N] [--lr RATE] [--hidden N]\n" +
        "                      [--validation FRACTION] [--seed N] [--out DIR] [--resume]";

    /// <summary>The CSV file to train on (a header line, numeric features, an integer class column).</summary>
    public string DataPath { get; init; } = Path.Combine(AppContext.BaseDirectory, "data", "iris.csv");

    /// <summary>The name of the class column; every other column is a feature.</summary>
    public string TargetColumn { get; init; } = "species";

    /// <summary>The last epoch to train (a resumed run continues up to it).</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Rows per optimizer step.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Adam's learning rate, halved every third of the epochs.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Units of the hidden layer.</summary>
    public int Hidden { get; init; } = 32;

    /// <summary>The share of rows held out for validation.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>The seed of the split, the initial weights and the shuffling.</summary>
    public int Seed { get; init; }

    /// <summary>Where the checkpoint and the plot are written.</summary>
    public string OutputDirectory { get; init; } = "output";

    /// <summary>Whether to continue from the checkpoint in <see cref="OutputDirectory"/>, if there is one.</summary>
    public bool Resume { get; init; }

    /// <summary>Reads <paramref name="args"/>; a wrong option or value throws an <see cref="ArgumentException"/> that names it.</summary>
    public static TrainingOptions Parse(IReadOnlyList<string> args)
    {
        var options = new TrainingOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name == "--resume")
            {
                options = options with { Resume = true };
                continue;
            }
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name}: a value must follow (or the option is unknown).");
            }
            string value = args[++i];
            options = name switch
            {
                "--data" => options with { DataPath = value },
                "--target" => options with { TargetColumn = value },
                "--epochs" => options with { Epochs = Positive(name, value) },
                "--batch-size" => options with { BatchSize = Positive(name, value) },
                "--hidden" => options with { Hidden = Positive(name, value) },
                "--lr" => options with { LearningRate = Fraction(name, value, max: double.MaxValue) },
                "--validation" => options with { ValidationFraction = Fraction(name, value, max: 1) },
                "--seed" => options with { Seed = Integer(name, value) },
                "--out" => options with { OutputDirectory = value },
                _ => throw new ArgumentException($"unknown option {name}."),
            };
        }
        return options;
    }

    private static int Integer(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n)
            ? n
            : throw new ArgumentException($"{name}: '{value}' is not an integer.");

    private static int Positive(string name, string value)
    {
        int n = Integer(name, value);
        return n > 0 ? n : throw new ArgumentException($"{name}: {n} must be at least 1.");
    }

    private static double Fraction(string name, string value, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x > 0 && x < max
            ? x
            : throw new ArgumentException($"{name}: '{value}' must be a number above 0{(max < double.MaxValue ? $" and below {max}" : "")}.");
}
