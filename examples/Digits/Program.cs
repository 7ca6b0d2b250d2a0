using System.Globalization;
using MiniTorch.Examples;
using MiniTorch.Onnx;

namespace Digits;

/// <summary>
/// Classifies the 8×8 handwritten digits with an MLP and a small CNN, printing progress and test accuracy,
/// plotting the loss and accuracy curves and logging both runs for TensorBoard.
/// Run: <c>dotnet run --project examples/Digits [-- --out DIR] [--runs DIR]</c> (plots and ONNX files go to DIR, default
/// ./output/Digits; TensorBoard runs to ./runs/Digits, shown by <c>tensorboard --logdir runs</c>).
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
        var (outDir, runsDir) = ParseArgs(args);
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine($"Digits: 8×8 handwritten digits, {DigitsData.ImageCount} images, split {1 - settings.TestFraction:0.##}/{settings.TestFraction:0.##} with seed {settings.Seed}");
        using var tensorBoard = new DigitsTensorBoard(runsDir);
        var progress = new TrainingProgress(output);
        var result = progress.Run([("MLP", settings.MlpEpochs), ("CNN", settings.CnnEpochs)], report => DigitsExperiment.Run(settings, (name, e) =>
        {
            tensorBoard.Epoch(name, e);
            report(name, e.Epoch, string.Format(culture,
                "[{0}] epoch {1,3}  train loss {2:0.0000}  acc {3:0.000}   test loss {4:0.0000}  acc {5:0.000}   ({6:0.00} s)",
                name, e.Epoch, e.TrainLoss, e.TrainAccuracy, e.TestLoss, e.TestAccuracy, e.Duration.TotalSeconds),
                string.Format(culture, "loss {0:0.000} test acc {1:0.000}", e.TrainLoss, e.TestAccuracy));
        }));
        tensorBoard.Finished(result.Mlp, settings, settings.MlpEpochs, settings.MlpLr, result.TestImages);
        tensorBoard.Finished(result.Cnn, settings, settings.CnnEpochs, settings.CnnLr, result.TestImages);
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
        foreach (var path in tensorBoard.RunDirectories)
        {
            output.WriteLine($"TensorBoard run: {path}");
        }
        output.WriteLine("view the runs with: tensorboard --logdir runs");
        return 0;
    }

    private static (string OutDir, string RunsDir) ParseArgs(string[] args)
    {
        string outDir = Path.Combine("output", "Digits");
        string runsDir = Path.Combine("runs", "Digits");
        for (int i = 0; i < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Length: outDir = args[i + 1]; break;
                case "--runs" when i + 1 < args.Length: runsDir = args[i + 1]; break;
                default: throw new ArgumentException($"usage: Digits [--out DIR] [--runs DIR]; got: {string.Join(' ', args)}", nameof(args));
            }
        }
        return (outDir, runsDir);
    }
}
