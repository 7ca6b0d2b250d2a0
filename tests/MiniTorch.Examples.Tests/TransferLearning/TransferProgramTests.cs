using TransferLearning;

namespace MiniTorch.Examples.Tests.TransferLearning;

public class TransferProgramTests
{
    [Fact]
    public void RunsToTheEndWritingTheBackboneAndARealPngPlot()
    {
        using var dir = new TempDirectory("minitorch-transfer-program");
        var output = new StringWriter();
        var settings = new TransferSettings { PretrainEpochs = 1, TransferEpochs = 2, RunLabelBudgets = false };

        int exitCode = Program.Run(["--out", dir.Path], settings, output);

        Assert.Equal(0, exitCode);
        string text = output.ToString();
        Assert.Contains("[pretrain ] epoch   1/1", text);
        Assert.Contains("[fine-tune] epoch   2/2", text);
        Assert.Contains("loaded backbone equals the pretrained one bit for bit: yes", text);
        Assert.Contains("parameters of the frozen model: 2565 trainable (head), 4896 frozen (backbone)", text);
        Assert.Contains("optimizer holds only the head's parameters: yes (2 tensors)", text);
        Assert.Contains("backbone weights and BatchNorm statistics after head training: bit-identical", text);
        Assert.Matches(@"frozen backbone \+ new head +0\.\d{4} +[0-9.]+ ms/epoch", text);
        Assert.Matches(@"same architecture from scratch +0\.\d{4} +[0-9.]+ ms/epoch", text);
        Assert.Matches(@"full fine-tune of the backbone +0\.\d{4} +[0-9.]+ ms/epoch", text);
        // The frozen-backbone model exported to ONNX agrees with ONNX Runtime at float32 precision.
        var onnx = System.Text.RegularExpressions.Regex.Match(text,
            @"frozen-backbone model exported to (\S+\.onnx); ONNX Runtime on \d+ held-out images: max abs error ([0-9.e+-]+), max rel error");
        Assert.True(onnx.Success, $"no ONNX cross-check line in:\n{text}");
        Assert.True(File.Exists(onnx.Groups[1].Value));
        Assert.InRange(double.Parse(onnx.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 0.0, 1e-4);
        string backbone = Path.Combine(dir.Path, "backbone.safetensors");
        Assert.Contains($"saved backbone: {backbone}", text);
        Assert.True(new FileInfo(backbone).Length > 4896 * 4, "the file holds at least the backbone's float32 parameters");
        string plot = Path.Combine(dir.Path, "transfer.png");
        Assert.Contains($"plot: {plot}", text);
        OutputFiles.AssertPng(plot);
    }

    [Fact]
    public void RejectsUnknownArguments()
    {
        var e = Assert.Throws<ArgumentException>(() => Program.Run(["--shots"], new TransferSettings(), TextWriter.Null));
        Assert.Contains("usage: TransferLearning [--out DIR]", e.Message);
    }
}
