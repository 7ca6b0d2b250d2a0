using MiniTorch;
using MiniTorch.Data;
using MiniTorch.Examples;
using MiniTorch.NN;
using MiniTorch.Onnx;
using MiniTorch.Optim;
using MiniTorch.Plugins;

namespace PluginTraining;

/// <summary>The settings of a training run.</summary>
public sealed record TrainingSettings
{
    /// <summary>A plugin's .dll, or a folder of plugins (see <see cref="PluginHost.LoadFolder"/>).</summary>
    public string PluginPath { get; init; } = Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>The digits data set (UCI optical digits, 1797 8×8 images).</summary>
    public string DataPath { get; init; } = Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz");

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Width of the first hidden layer.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Seeds the split, the shuffling and the initial weights.</summary>
    public long Seed { get; init; }

    /// <summary>Where to save the loss curve; null saves none.</summary>
    public string? PlotPath { get; init; }

    /// <summary>Where to save the trained model as ONNX; null exports it (and checks it in ONNX Runtime) without saving.</summary>
    public string? OnnxPath { get; init; }
}

/// <summary>What a training run did and which plugin ops it used.</summary>
/// <param name="Plugins">The plugins that were loaded.</param>
/// <param name="LoadFailures">The plugins of the folder that could not be loaded, with the reason.</param>
/// <param name="EpochLosses">The mean training loss of each epoch.</param>
/// <param name="TestAccuracy">The accuracy on the 20 % of images held out.</param>
/// <param name="OpsUsed">The plugin ops the model called, with their call counts.</param>
/// <param name="ModuleTypesUsed">The plugin module types the model was built from.</param>
/// <param name="PlotPath">The saved loss curve, if one was asked for.</param>
/// <param name="OnnxPath">The saved ONNX model, if one was asked for.</param>
/// <param name="OnnxMaxError">The largest |ONNX Runtime − MiniTorch| over the held-out images' logits, for the exported model.</param>
/// <param name="ImportMaxError">The largest |imported − trained| over the same logits, for the exported model imported back with the plugin loaded.</param>
public sealed record TrainingResult(
    IReadOnlyList<LoadedPlugin> Plugins, IReadOnlyList<string> LoadFailures, IReadOnlyList<double> EpochLosses,
    double TestAccuracy, IReadOnlyList<OpInfo> OpsUsed, IReadOnlyList<ModuleInfo> ModuleTypesUsed, string? PlotPath,
    string? OnnxPath, double OnnxMaxError, double ImportMaxError);

/// <summary>Loads the activations plugin from disk and trains <see cref="PluginMlp"/> on the digits.</summary>
public static class DigitsTraining
{
    /// <summary>Runs the training; <paramref name="log"/> receives one line per epoch.</summary>
    public static TrainingResult Run(TrainingSettings settings, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        log ??= _ => { };
        using var host = new PluginHost();
        var failures = new List<string>();
        // Validation also runs each op's declared ONNX lowering in ONNX Runtime and compares it with the op's forward.
        var load = new PluginLoadOptions { Validation = new OpCheckOptions { CrossCheck = new OnnxRuntimeCrossCheck() } };
        if (Directory.Exists(settings.PluginPath))
        {
            var folder = host.LoadFolder(settings.PluginPath, load);
            failures.AddRange(folder.Failures.Select(f => f.Message));
        }
        else
        {
            host.Load(settings.PluginPath, load);
        }
        foreach (var plugin in host.Plugins)
        {
            string validation = plugin.Validation is { } report ? $"{report.Outcomes.Count(o => o.Passed)}/{report.Outcomes.Count} validation checks passed" : "not validated";
            log($"loaded {plugin}");
            log($"  ops: {string.Join(", ", plugin.OpNames)}; module types: {string.Join(", ", plugin.ModuleNames)}; {validation}");
        }
        if (!host.Ops.Contains("linear_gelu") || !host.Modules.Contains("Mish"))
        {
            throw new InvalidOperationException($"The model needs the op 'linear_gelu' and the module type 'Mish' of the activations plugin, which was not loaded from '{settings.PluginPath}'. {string.Join(" ", failures)}");
        }

        var digits = new CsvDataset(settings.DataPath, new CsvDatasetOptions { HasHeader = false, TargetColumns = [-1] });
        var data = new TensorDataset(digits.Features / 16, digits.Targets!);
        var split = Dataset.RandomSplit(data, [0.8, 0.2], new Generator(settings.Seed));
        var loader = new DataLoader<Tensor[]>(split[0], settings.BatchSize, shuffle: true, generator: new Generator(settings.Seed + 1));
        var model = new PluginMlp(host, settings.Hidden, new Generator(settings.Seed + 2));
        var optimizer = new Adam(model.Parameters(), lr: settings.LearningRate);
        var criterion = new CrossEntropyLoss();

        var losses = new List<double>();
        for (int epoch = 1; epoch <= settings.Epochs; epoch++)
        {
            model.Train();
            double sum = 0;
            int count = 0;
            foreach (var (x, y) in loader)
            {
                optimizer.ZeroGrad();
                var loss = criterion.Call(model.Call(x), y.To(DType.Int64));
                loss.Backward();
                optimizer.Step();
                sum += loss.Item() * x.Size(0);
                count += x.Size(0);
            }
            losses.Add(sum / count);
            log(FormattableString.Invariant($"epoch {epoch,3}: loss {sum / count:F4}"));
        }

        double accuracy = Accuracy(model, split[1]);
        string? plot = settings.PlotPath is null ? null : Plots.SaveLines(settings.PlotPath, "Digits with the plugin's linear_gelu and Mish", "epoch", "training loss",
            [new Plots.Series("cross-entropy", Enumerable.Range(1, losses.Count).Select(e => (double)e).ToArray(), losses.ToArray())]);
        var opsUsed = host.Ops.List().Where(o => o.InvocationCount > 0).ToArray();
        var modulesUsed = host.Modules.List().Where(m => m.Name == "Mish").ToArray();
        // Exported while the plugin is loaded: the exporter reads the lowerings of linear_gelu and mish from it.
        var (testImages, _) = new DataLoader<Tensor[]>(split[1], split[1].Count).First();
        var onnx = OnnxExporter.Export(model, testImages.Narrow(0, 0, 1));
        if (settings.OnnxPath is { } onnxPath)
        {
            onnx.Save(onnxPath);
        }
        double onnxError = OnnxCheck.Compare(onnx, model, testImages).MaxAbsoluteError;
        log(FormattableString.Invariant($"ONNX Runtime vs MiniTorch on the {testImages.Size(0)} held-out images: max abs error {onnxError:G3}"));
        // Imported back while the plugin is loaded, the activations::mish node runs the plugin's own Mish again.
        var imported = OnnxImporter.Import(onnx);
        imported.Eval();
        model.Eval();
        double importError;
        using (Autograd.NoGrad())
        {
            importError = (imported.Call(testImages) - model.Call(testImages)).Abs().Max().Item();
        }
        log(FormattableString.Invariant($"imported back with the plugin loaded: max abs difference {importError:G3} from the trained model"));
        return new TrainingResult(host.Plugins, failures, losses, accuracy, opsUsed, modulesUsed, plot, settings.OnnxPath, onnxError, importError);
    }

    private static double Accuracy(Module model, Dataset<Tensor[]> test)
    {
        model.Eval();
        using (Autograd.NoGrad())
        {
            var (x, y) = new DataLoader<Tensor[]>(test, test.Count).First();
            return model.Call(x).ArgMax(1).Eq(y).To(DType.Float32).Mean().Item(); // Eq gives a Bool mask; Mean needs numbers, as (pred == y).float().mean()
        }
    }
}
