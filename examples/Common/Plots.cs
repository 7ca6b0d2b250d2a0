using ScottPlot;

namespace MiniTorch.Examples;

/// <summary>Line plots saved as PNG, with the DejaVu Sans font shipped beside the binaries.</summary>
public static class Plots
{
    private const string FontName = "DejaVu Sans";
    private static readonly object FontLock = new();
    private static bool s_fontRegistered;

    /// <summary>One named series of a line plot.</summary>
    public sealed record Series(string Label, double[] X, double[] Y);

    /// <summary>Saves a line plot of <paramref name="series"/> to <paramref name="path"/> and returns its full path.</summary>
    /// <param name="path">The PNG file to write; its directory is created if needed.</param>
    /// <param name="title">The title above the plot.</param>
    /// <param name="xLabel">The label of the x axis.</param>
    /// <param name="yLabel">The label of the y axis.</param>
    /// <param name="series">The curves, each with its legend label.</param>
    /// <param name="logY">Whether to plot log10 of the values (the label says so). A value ≤ 0 has no logarithm: its point is
    /// left out, never drawn at a made-up value, and the series' legend says how many were left out.</param>
    /// <param name="legend">The corner of the legend: pick one the curves leave empty (rising curves hide under the default upper right).</param>
    public static string SaveLines(string path, string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logY = false,
        Alignment legend = Alignment.UpperRight)
    {
        RegisterFont();
        var plot = new Plot();
        foreach (var s in series)
        {
            var (xs, ys, dropped) = logY ? Log10OfPositive(s.X, s.Y) : (s.X, s.Y, 0);
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = dropped == 0 ? s.Label : $"{s.Label} ({dropped} point(s) ≤ 0 not shown)";
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? $"log10 {yLabel}" : yLabel);
        plot.ShowLegend(legend);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // Write to a temporary file first so a reader never sees a half-written PNG.
        string temp = full + ".tmp.png";
        plot.SavePng(temp, 800, 500);
        File.Move(temp, full, overwrite: true);
        return full;
    }

    private static (double[] X, double[] Y, int Dropped) Log10OfPositive(double[] x, double[] y)
    {
        var xs = new List<double>(x.Length);
        var ys = new List<double>(y.Length);
        for (int i = 0; i < y.Length; i++)
        {
            if (y[i] > 0)
            {
                xs.Add(x[i]);
                ys.Add(Math.Log10(y[i]));
            }
        }
        return (xs.ToArray(), ys.ToArray(), y.Length - ys.Count);
    }

    private static void RegisterFont()
    {
        lock (FontLock)
        {
            if (s_fontRegistered)
            {
                return;
            }
            // Without a registered font file ScottPlot draws no text at all on a machine without fonts.
            string file = Path.Combine(AppContext.BaseDirectory, "Fonts", "DejaVuSans.ttf");
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"The plotting font was not found at {file}; it ships in examples/Common/Fonts and is copied next to the binaries.", file);
            }
            Fonts.AddFontFile(FontName, file, bold: false, italic: false);
            Fonts.Default = FontName;
            s_fontRegistered = true;
        }
    }
}
