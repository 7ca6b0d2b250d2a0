using Digits;

namespace MiniTorch.Examples.Tests.Digits;

public class DigitsProgramTests
{
    [Fact]
    public void RunsToTheEndAndWritesRealPngPlotsToTheOutDirectory()
    {
        using var dir = new TempDirectory("minitorch-digits");
        var output = new StringWriter();
        var settings = new DigitsSettings { TrainLimit = 100, MlpEpochs = 2, CnnEpochs = 2 };

        string runs = Path.Combine(dir.Path, "runs");
        int exitCode = Program.Run(["--out", dir.Path, "--runs", runs], settings, output);

        Assert.Equal(0, exitCode);
        string text = output.ToString();
        Assert.Contains("[MLP] epoch   2", text);
        Assert.Contains("[CNN] epoch   2", text);
        Assert.Matches(@"MLP: 17226 parameters, 2 epochs in [0-9.]+ s, test accuracy 0\.\d{4}", text);
        Assert.Matches(@"CNN: 13802 parameters, 2 epochs in [0-9.]+ s, test accuracy 0\.\d{4}", text);
        foreach (var model in new[] { "MLP", "CNN" })
        {
            // The trained model, exported to ONNX and run in ONNX Runtime on the test images, agrees at float32 precision.
            var match = System.Text.RegularExpressions.Regex.Match(text,
                model + @" exported to (\S+\.onnx); ONNX Runtime on \d+ test images: max abs error ([0-9.e+-]+), max rel error");
            Assert.True(match.Success, $"no ONNX cross-check line for {model} in:\n{text}");
            Assert.True(File.Exists(match.Groups[1].Value));
            Assert.InRange(double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 0.0, 1e-4);
        }
        foreach (var name in new[] { "loss.png", "accuracy.png" })
        {
            string path = Path.Combine(dir.Path, name);
            Assert.Contains($"plot: {path}", text);
            OutputFiles.AssertPng(path);
        }
        // One TensorBoard run per model, plus the HPARAMS sub-run, each with a non-empty event file; the records
        // themselves are checked in tests/MiniTorch.TensorBoard.Tests.
        foreach (var model in new[] { "MLP", "CNN" })
        {
            string run = Path.Combine(runs, model);
            Assert.Contains($"TensorBoard run: {Path.GetFullPath(run)}", text);
            // Curves, histograms and images make kilobytes; the HPARAMS sub-run holds three small summaries and a scalar.
            foreach (var (folder, atLeast) in new[] { (run, 4000), (Path.Combine(run, "hparams"), 200) })
            {
                var events = Assert.Single(Directory.GetFiles(folder, "events.out.tfevents.*"));
                Assert.True(new FileInfo(events).Length > atLeast, $"{events} is {new FileInfo(events).Length} bytes");
            }
        }
        Assert.Contains("tensorboard --logdir runs", text);
        Assert.DoesNotContain("\u001b[", text, StringComparison.Ordinal);   // plain text when the output is not a terminal
    }

    [Fact]
    public void RejectsUnknownArguments()
    {
        var e = Assert.Throws<ArgumentException>(() => Program.Run(["--epochs", "3"], new DigitsSettings(), TextWriter.Null));
        Assert.Contains("usage: Digits [--out DIR]", e.Message);
    }
}
