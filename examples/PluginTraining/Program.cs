using System.Globalization;
using PluginTraining;

// Trains a digits classifier whose layers come from a plugin loaded at run time (examples/Plugins/ActivationsPlugin).
// Run: dotnet run --project examples/PluginTraining [-- --epochs N] [--plugins DIR|FILE] [--out DIR]
var settings = new TrainingSettings { PlotPath = Path.Combine("output", "PluginTraining", "loss.png"), OnnxPath = Path.Combine("output", "PluginTraining", "model.onnx") };
for (int i = 0; i + 1 < args.Length; i += 2)
{
    settings = args[i] switch
    {
        "--epochs" => settings with { Epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        "--plugins" => settings with { PluginPath = Path.GetFullPath(args[i + 1]) },
        "--out" => settings with { PlotPath = Path.Combine(args[i + 1], "loss.png"), OnnxPath = Path.Combine(args[i + 1], "model.onnx") },
        _ => throw new ArgumentException($"Unknown option '{args[i]}'; the options are --epochs N, --plugins DIR|FILE and --out DIR."),
    };
}

Console.WriteLine($"== Loading plugins from {settings.PluginPath} ==");
var result = DigitsTraining.Run(settings, Console.WriteLine);
foreach (string failure in result.LoadFailures)
{
    Console.WriteLine($"not loaded: {failure}");
}

Console.WriteLine();
Console.WriteLine($"test accuracy: {result.TestAccuracy:P1} on 359 held-out images");
Console.WriteLine("plugin ops used:");
foreach (var op in result.OpsUsed)
{
    Console.WriteLine($"  {op} ({op.Plugin.FilePath}): {op.InvocationCount} calls");
}
Console.WriteLine("plugin module types used:");
foreach (var module in result.ModuleTypesUsed)
{
    Console.WriteLine($"  {module}");
}
Console.WriteLine($"loss curve: {result.PlotPath}");
Console.WriteLine($"ONNX model: {result.OnnxPath} (checked in ONNX Runtime and imported back above)");
