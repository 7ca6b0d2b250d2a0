using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace MiniTorch.Packages.Tests;

/// <summary>Projects made from the packed templates, built from the packed libraries alone, run as a user runs them.</summary>
[Collection(ConsumerCollection.Name)]
public sealed partial class TemplateConsumerTests(PackagedConsumer consumer, ITestOutputHelper output)
{
    [Fact]
    public void GeneratedProjectsPinThePackedVersions()
    {
        foreach (var (step, duration) in consumer.Timings)
        {
            output.WriteLine($"set-up step {step}: {duration.TotalSeconds:F1} s");
        }
        var references = new[] { "Train/Train.csproj", "MyOps/MyOps/MyOps.csproj", "MyOps/MyOps.Tests/MyOps.Tests.csproj" }
            .SelectMany(p => XDocument.Load(Path.Combine(consumer.Folder, p)).Descendants("PackageReference"))
            .Select(e => ((string)e.Attribute("Include")!, (string)e.Attribute("Version")!))
            .ToArray();
        Assert.Contains(("MiniTorch.Training", consumer.Version), references);
        Assert.Contains(("MiniTorch.Plugins", consumer.Version), references);
        foreach (var (package, version) in references)
        {
            string expected = package.StartsWith("MiniTorch", StringComparison.Ordinal) ? consumer.Version : Repository.PinnedVersion(package);
            Assert.True(expected == version, $"{package} is referenced at {version}, expected {expected}");
        }
        var minor = System.Version.Parse(Repository.MiniTorchVersion);
        Assert.Contains($"[MiniTorchPlugin(\"MyOps\", \"1.0.0\", \"[{minor.Major}.{minor.Minor}, {minor.Major + 1}.0)\")]",
            File.ReadAllText(Path.Combine(consumer.PluginFolder, "MyOps", "OpsPlugin.cs")));
    }

    [Fact]
    public void TrainTemplateTrainsSavesAPlotAndResumesFromItsCheckpoint()
    {
        string dll = Path.Combine(consumer.OutputOf(consumer.TrainFolder), "Train.dll");
        string results = Path.Combine(consumer.Folder, "train-output");

        var first = consumer.Cli.Run(consumer.Folder, dll, "--epochs", "2", "--out", results);
        Report(first);
        Assert.Contains("120 training and 30 validation rows, 4 features, 3 classes", first.Output);
        Assert.Contains("epoch 1/2: train loss", first.Output);
        Assert.Contains("epoch 2/2: train loss", first.Output);
        Assert.True(File.Exists(Path.Combine(results, "checkpoint.safetensors")), first.Output);
        // Redirected output is plain text: no escape codes from the progress bar.
        Assert.DoesNotContain('\u001b', first.Output);

        var resumed = consumer.Cli.Run(consumer.Folder, dll, "--epochs", "4", "--out", results, "--resume");
        Report(resumed);
        Assert.Contains("after epoch 2", resumed.Output);
        Assert.DoesNotContain("epoch 2/4", resumed.Output);
        Assert.Contains("epoch 3/4: train loss", resumed.Output);
        Assert.Contains("epoch 4/4: train loss", resumed.Output);
        // Four epochs of Adam on iris separate the classes far better than chance (1/3).
        var accuracy = double.Parse(Accuracy().Match(resumed.Output).Groups[1].Value.Replace(',', '.'), CultureInfo.InvariantCulture);
        Assert.InRange(accuracy, 70, 100);

        // The template's promise: a resumed run ends exactly where a run that never stopped does (same weights, optimizer
        // and scheduler state, generator and history), so the two checkpoints are the same bytes.
        string straight = Path.Combine(consumer.Folder, "train-output-straight");
        Report(consumer.Cli.Run(consumer.Folder, dll, "--epochs", "4", "--out", straight));
        Assert.True(File.ReadAllBytes(Path.Combine(straight, "checkpoint.safetensors")).AsSpan()
            .SequenceEqual(File.ReadAllBytes(Path.Combine(results, "checkpoint.safetensors"))), "the resumed run's checkpoint differs from the straight run's");

        var png = File.ReadAllBytes(Path.Combine(results, "loss.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.True(png.Length > 10_000, $"loss.png has only {png.Length} bytes");
    }

    [Fact]
    public void TrainTemplateRejectsAWrongOptionWithUsage()
    {
        string dll = Path.Combine(consumer.OutputOf(consumer.TrainFolder), "Train.dll");
        var result = consumer.Cli.RunAllowingFailure(consumer.Folder, dll, "--epochs", "zero");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--epochs: 'zero' is not an integer.", result.Output);
        Assert.Contains("usage: Train", result.Output);
    }

    [Fact]
    public void PluginTemplateOpCheckTestsPass()
    {
        string tests = Path.Combine(consumer.PluginFolder, "MyOps.Tests");
        var result = consumer.Cli.Run(tests, "test", "--no-build", "-c", Repository.Configuration);
        Report(result);
        int facts = Regex.Count(File.ReadAllText(Path.Combine(tests, "OpsPluginTests.cs")), @"\[Fact\]");
        Assert.Matches($@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+{facts},", result.Output);
    }

    [Fact]
    public void HostLoadsThePluginBuiltFromTheTemplate()
    {
        string output = consumer.OutputOf(consumer.HostFolder);
        var plugin = Path.Combine(output, "plugins", "MyOps");
        Assert.True(Directory.Exists(plugin), $"the host's build did not copy the plugin to {plugin}: MiniTorch.Plugins' package targets handle its PluginProject item");
        var shipped = Directory.GetFiles(plugin).Select(Path.GetFileName).ToArray();
        Assert.Contains("MyOps.dll", shipped);
        Assert.Contains("MyOps.deps.json", shipped);
        // MiniTorch.Plugins' buildTransitive targets keep the host's assemblies out of the plugin's folder.
        Assert.DoesNotContain(shipped, f => f!.StartsWith("MiniTorch", StringComparison.Ordinal) || f == "System.Numerics.Tensors.dll");

        var result = consumer.Cli.Run(consumer.Folder, Path.Combine(output, "Host.dll"));
        Report(result);
        Assert.Contains("loaded plugin 'MyOps' 1.0.0", result.Output);
        Assert.Contains("squareplus([-3, 0, 1.5]) = [", result.Output);
    }

    private void Report(CommandResult result)
    {
        output.WriteLine($"{result.CommandLine}: {result.Duration.TotalSeconds:F1} s");
        output.WriteLine(DotnetCli.Quote(result.Output));
    }

    [GeneratedRegex(@"validation accuracy after epoch 4: ([0-9.,]+)\s?%")]
    private static partial Regex Accuracy();
}
