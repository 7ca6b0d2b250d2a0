using System.Globalization;
using MiniTorch;
using MiniTorch.TensorBoard;

namespace Digits;

/// <summary>
/// Logs the digits runs for TensorBoard (<c>tensorboard --logdir runs</c>): one run per model under
/// <c>&lt;runsDir&gt;/&lt;model&gt;</c> with the loss and accuracy curves, the final weights' histograms, a few test
/// digits, a text summary, and the settings with the test accuracy in the HPARAMS tab.
/// </summary>
public sealed class DigitsTensorBoard : IDisposable
{
    private readonly Dictionary<string, SummaryWriter> _writers = new(StringComparer.Ordinal);
    private readonly string _runsDir;

    /// <summary>Creates the logger; nothing is written until the first epoch.</summary>
    public DigitsTensorBoard(string runsDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(runsDir);
        _runsDir = runsDir;
    }

    /// <summary>The model runs' directories, in the order they started.</summary>
    public IEnumerable<string> RunDirectories => _writers.Values.Select(w => Path.GetFullPath(w.LogDir));

    /// <summary>Logs one epoch of <paramref name="model"/>.</summary>
    public void Epoch(string model, EpochStats e)
    {
        var writer = Writer(model);
        writer.AddScalar("loss/train", e.TrainLoss, e.Epoch);
        writer.AddScalar("loss/test", e.TestLoss, e.Epoch);
        writer.AddScalar("accuracy/train", e.TrainAccuracy, e.Epoch);
        writer.AddScalar("accuracy/test", e.TestAccuracy, e.Epoch);
        writer.AddScalar("seconds per epoch", e.Duration.TotalSeconds, e.Epoch);
    }

    /// <summary>Logs what a finished run ends with: weight histograms, sample images, a summary and its hyperparameters.</summary>
    public void Finished(ModelRun run, DigitsSettings settings, int epochs, double lr, Tensor testImages)
    {
        var writer = Writer(run.Name);
        int step = run.History.Count;
        foreach (var (name, parameter) in run.Model.NamedParameters())
        {
            writer.AddHistogram(name, parameter, step);
        }
        for (int i = 0; i < Math.Min(4, testImages.Shape[0]); i++)
        {
            writer.AddImage($"test digit {i}", testImages[i], step);
        }
        writer.AddText("summary", string.Format(CultureInfo.InvariantCulture,
            "**{0}**: {1} parameters, {2} epochs in {3:0.0} s, test accuracy {4:0.0000}",
            run.Name, run.ParameterCount, run.History.Count, run.TrainingTime.TotalSeconds, run.TestAccuracy), step);
        writer.AddHparams(
            new Dictionary<string, object> { ["model"] = run.Name, ["lr"] = lr, ["epochs"] = epochs, ["batch size"] = settings.BatchSize, ["seed"] = settings.Seed },
            new Dictionary<string, double> { ["hparam/test accuracy"] = run.TestAccuracy },
            runName: "hparams");
        writer.Flush();
    }

    /// <summary>Closes every event file.</summary>
    public void Dispose()
    {
        foreach (var writer in _writers.Values)
        {
            writer.Dispose();
        }
    }

    private SummaryWriter Writer(string model)
    {
        if (!_writers.TryGetValue(model, out var writer))
        {
            writer = new SummaryWriter(Path.Combine(_runsDir, model));
            _writers.Add(model, writer);
        }
        return writer;
    }
}
