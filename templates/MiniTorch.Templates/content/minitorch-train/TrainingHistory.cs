using System.Globalization;

namespace MiniTorchTrain;

/// <summary>
/// The figures of every epoch trained so far. They travel in the checkpoint's metadata, so a resumed run plots the
/// whole curve, not only the epochs since it resumed.
/// </summary>
public sealed class TrainingHistory
{
    private const string MetadataKey = "history";
    private readonly List<(int Epoch, double TrainLoss, double ValidationLoss, double ValidationAccuracy)> _epochs = [];

    /// <summary>The number of epochs recorded.</summary>
    public int Count => _epochs.Count;

    /// <summary>The last epoch recorded.</summary>
    public int LastEpoch => _epochs[^1].Epoch;

    /// <summary>The validation accuracy after the last epoch.</summary>
    public double LastValidationAccuracy => _epochs[^1].ValidationAccuracy;

    /// <summary>The recorded epochs, in order.</summary>
    public IReadOnlyList<(int Epoch, double TrainLoss, double ValidationLoss, double ValidationAccuracy)> Epochs => _epochs;

    /// <summary>Records one epoch's figures.</summary>
    public void Add(int epoch, double trainLoss, double validationLoss, double validationAccuracy) =>
        _epochs.Add((epoch, trainLoss, validationLoss, validationAccuracy));

    /// <summary>The history as checkpoint metadata: one "epoch trainLoss validationLoss accuracy" group per epoch, round-trip precision.</summary>
    public IReadOnlyDictionary<string, string> ToMetadata()
    {
        var groups = new List<string>(_epochs.Count);
        foreach (var (epoch, trainLoss, validationLoss, accuracy) in _epochs)
        {
            groups.Add(string.Create(CultureInfo.InvariantCulture, $"{epoch} {trainLoss:R} {validationLoss:R} {accuracy:R}"));
        }
        return new Dictionary<string, string> { [MetadataKey] = string.Join(';', groups) };
    }

    /// <summary>Reads the history back from a checkpoint's metadata (empty if the checkpoint has none).</summary>
    public static TrainingHistory FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        var history = new TrainingHistory();
        if (!metadata.TryGetValue(MetadataKey, out var text) || text.Length == 0)
        {
            return history;
        }
        foreach (var group in text.Split(';'))
        {
            var parts = group.Split(' ');
            if (parts.Length != 4)
            {
                throw new InvalidDataException($"checkpoint metadata '{MetadataKey}': '{group}' is not 'epoch trainLoss validationLoss accuracy'.");
            }
            history.Add(int.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture),
                        double.Parse(parts[2], CultureInfo.InvariantCulture), double.Parse(parts[3], CultureInfo.InvariantCulture));
        }
        return history;
    }
}
