using MiniTorch.Plugins.Tests.Support;
using PluginTraining;

namespace MiniTorch.Plugins.Tests.Examples;

/// <summary>examples/PluginTraining, run with few epochs: it loads the plugin from disk, learns the digits and reports the plugin ops it used.</summary>
public class PluginTrainingTests
{
    [Fact]
    public void TrainsOnTheDigitsWithThePluginsOpsAndReportsThem()
    {
        using var folder = PluginFiles.TempFolder();
        var lines = new List<string>();
        var result = DigitsTraining.Run(new TrainingSettings { PluginPath = PluginFiles.Activations, Epochs = 6, PlotPath = folder.File("loss.png"), OnnxPath = folder.File("model.onnx") }, lines.Add);

        Assert.Equal(6, result.EpochLosses.Count);
        Assert.True(result.EpochLosses[^1] < 0.5 * result.EpochLosses[0], string.Join(", ", result.EpochLosses));
        Assert.True(result.TestAccuracy > 0.9, $"test accuracy {result.TestAccuracy}");
        var op = Assert.Single(result.OpsUsed);
        Assert.Equal("linear_gelu", op.Name);
        Assert.Equal("activations", op.Plugin.Name);
        // 1438 training images in batches of 64 is 23 steps an epoch, plus one call for the held-out images.
        Assert.Equal((6 * 23) + 1, op.InvocationCount);
        Assert.Equal("Mish", Assert.Single(result.ModuleTypesUsed).Name);
        Assert.Equal("activations", Assert.Single(result.Plugins).Name);
        Assert.Empty(result.LoadFailures);
        Assert.Equal($"loaded activations 1.0.0 ({PluginFiles.Activations})", lines[0]);
        // 73 checks, plus each op's 10 samples cross-checked in ONNX Runtime in float64 and float32.
        Assert.Equal("  ops: swish, silu, mish, softplus, linear_gelu; module types: Swish, SiLU, Mish, Softplus, LinearGelu; 93/93 validation checks passed", lines[1]);
        Assert.StartsWith("epoch   1: loss ", lines[2]);
        Assert.True(new FileInfo(result.PlotPath!).Length > 10_000, "the loss plot was not written");
        // The trained model, plugin ops included, exported and run in ONNX Runtime on the 359 held-out images.
        Assert.InRange(result.OnnxMaxError, 0, 1e-4);
        // What the program prints: ONNX Runtime's error, then the model imported back with the plugin (mish runs the plugin's op).
        var printed = Assert.Single(lines, l => l.StartsWith("ONNX Runtime vs MiniTorch on the 359 held-out images: max abs error ", StringComparison.Ordinal));
        Assert.InRange(double.Parse(printed.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture), 0, 1e-4);
        Assert.Equal(FormattableString.Invariant($"imported back with the plugin loaded: max abs difference {result.ImportMaxError:G3} from the trained model"), lines[^1]);
        Assert.InRange(result.ImportMaxError, 0, 1e-5);
        var onnx = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.OnnxPath!));
        Assert.Contains(onnx.Graph.Node, n => n.Domain == "activations" && n.OpType == "mish");
        Assert.Contains(onnx.Graph.Node, n => n.OpType == "Reciprocal"); // linear_gelu's erf, written out in standard operators
    }

    [Fact]
    public void LoadsFromAFolderAndReportsThePluginsItCouldNotLoad()
    {
        using var folder = PluginFiles.TempFolder();
        PluginFiles.CopyPlugin("ActivationsPlugin", folder.Path);
        PluginFiles.CopyPlugin("ThrowingPlugin", folder.Path);
        var result = DigitsTraining.Run(new TrainingSettings { PluginPath = folder.Path, Epochs = 1 });
        Assert.Contains("the constructor of ThrowingPlugin.ThrowingPlugin threw", Assert.Single(result.LoadFailures));
        Assert.Equal("activations", Assert.Single(result.Plugins).Name);
    }

    [Fact]
    public void WithoutThePluginItSaysWhatIsMissing()
    {
        using var folder = PluginFiles.TempFolder();
        PluginFiles.CopyPlugin("DependentPlugin", folder.Path);
        var e = Assert.Throws<InvalidOperationException>(() => DigitsTraining.Run(new TrainingSettings { PluginPath = folder.Path, Epochs = 1 }));
        Assert.StartsWith($"The model needs the op 'linear_gelu' and the module type 'Mish' of the activations plugin, which was not loaded from '{folder.Path}'.", e.Message);
    }
}
