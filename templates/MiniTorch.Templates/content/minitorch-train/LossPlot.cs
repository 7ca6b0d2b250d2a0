using ScottPlot;

namespace MiniTorchTrain;

/// <summary>The training and validation loss per epoch, as a PNG.</summary>
public static class LossPlot
{
    private const string FontName = "DejaVu Sans";

    /// <summary>Writes the plot of <paramref name="history"/> to <paramref name="path"/> and returns its full path.</summary>
    public static string Save(string path, TrainingHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        RegisterFont();
        int n = history.Count;
        double[] epochs = new double[n], train = new double[n], validation = new double[n];
        for (int i = 0; i < n; i++)
        {
            (int epoch, train[i], validation[i], _) = history.Epochs[i];
            epochs[i] = epoch;
        }
        var plot = new Plot();
        AddLine(plot, epochs, train, "training loss");
        AddLine(plot, epochs, validation, "validation loss");
        plot.Title("Cross-entropy loss by epoch");
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(Alignment.UpperRight);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // Written beside the target and moved over it, so a viewer never sees half a PNG.
        string temporary = full + ".tmp.png";
        plot.SavePng(temporary, 800, 500);
        File.Move(temporary, full, overwrite: true);
        return full;
    }

    private static void AddLine(Plot plot, double[] x, double[] y, string label)
    {
        var line = plot.Add.Scatter(x, y);
        line.LegendText = label;
        line.LineWidth = 2;
        line.MarkerSize = x.Length == 1 ? 5 : 0;
    }

    private static void RegisterFont()
    {
        // ScottPlot draws no text at all on a machine without fonts: use the font shipped next to the binaries.
        string file = Path.Combine(AppContext.BaseDirectory, "Fonts", "DejaVuSans.ttf");
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"The plot font was not found at {file}; the project copies Fonts/ next to the binaries.", file);
        }
        Fonts.AddFontFile(FontName, file, bold: false, italic: false);
        Fonts.Default = FontName;
    }
}
