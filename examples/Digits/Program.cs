using System.Globalization;
using MiniTorch.Onnx;

namespace Digits;

/// <summary>
/// Classifies the 8×8 handwritten digits with an MLP and a small CNN, printing progress and test accuracy and
/// plotting the loss and accuracy curves.
/// Run: <c>dotnet run --project examples/Digits [-- --out DIR]</c> (plots go to DIR, default ./output).
/// </summary>
public static class Program
{
    /// <summary>Runs the example with the default settings.</summary>
    public static int Main(string[] args) => Run(args, new DigitsSettings(), Console.Out);

    /// <summary>Runs the example with <paramref name="settings"/>, writing to <paramref name="output"/>; returns the exit code.</summary>
    public static int Run(string[] args, DigitsSettings settings, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        string outDir = ParseOutDir(args);
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine($"Digits: 8×8 handwritten digits, {DigitsData.ImageCount} images, split {1 - settings.TestFraction:0.##}/{settings.TestFraction:0.##} with seed {settings.Seed}");
        var result = DigitsExperiment.Run(settings, (name, e) => output.WriteLine(string.Format(culture,
            "[{0}] epoch {1,3}  train loss {2:0.0000}  acc {3:0.000}   test loss {4:0.0000}  acc {5:0.000}   ({6:0.00} s)",
            name, e.Epoch, e.TrainLoss, e.TrainAccuracy, e.TestLoss, e.TestAccuracy, e.Duration.TotalSeconds)));
        output.WriteLine();
        output.WriteLine($"train images: {result.TrainCount}, test images: {result.TestCount}");
        foreach (var run in new[] { result.Mlp, result.Cnn })
        {
            output.WriteLine(string.Format(culture, "{0}: {1} parameters, {2} epochs in {3:0.0} s, test accuracy {4:0.0000}",
                run.Name, run.ParameterCount, run.History.Count, run.TrainingTime.TotalSeconds, run.TestAccuracy));
        }
        foreach (var run in new[] { result.Mlp, result.Cnn })
        {
            // Export the trained model (eval mode) and check ONNX Runtime computes what MiniTorch computes on the test set.
            run.Model.Eval();
            var onnx = OnnxExporter.Export(run.Model, result.TestImages[..1]);
            string onnxPath = Path.GetFullPath(Path.Combine(outDir, $"digits-{run.Name.ToLowerInvariant()}.onnx"));
            Directory.CreateDirectory(outDir);
            onnx.Save(onnxPath);
            var report = OnnxCheck.Compare(onnx, run.Model, result.TestImages);
            output.WriteLine(string.Format(culture, "{0} exported to {1}; ONNX Runtime on {2} test images: max abs error {3:0.0e+00}, max rel error {4:0.0e+00}",
                run.Name, onnxPath, result.TestCount, report.MaxAbsoluteError, report.MaxRelativeError));
        }
        foreach (var path in CurvePlots.Save(result, outDir))
        {
            output.WriteLine($"plot: {path}");
        }
        return 0;
    }

    private static string ParseOutDir(string[] args)
    {
        if (args.Length == 0)
        {
            return "output";
        }
        if (args.Length == 2 && args[0] == "--out")
        {
            return args[1];
        }
        throw new ArgumentException($"usage: Digits [--out DIR]; got: {string.Join(' ', args)}", nameof(args));
    }
}
