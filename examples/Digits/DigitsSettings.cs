namespace Digits;

/// <summary>
/// Everything that decides a run of the digits example. The defaults are the full run the program does; tests pass
/// a smaller configuration (fewer epochs, fewer training images) so the same code runs in a few seconds.
/// </summary>
public sealed record DigitsSettings
{
    /// <summary>Seeds the train/test split, the weight initialisation, the shuffling and dropout.</summary>
    public long Seed { get; init; } = 0;

    /// <summary>The share of the 1797 images held out for testing.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Train on only the first this many images of the training split (null: all of them).</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Images per optimizer step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Passes over the training images for the MLP.</summary>
    public int MlpEpochs { get; init; } = 40;

    /// <summary>Adam's learning rate for the MLP.</summary>
    public double MlpLr { get; init; } = 2e-3;

    /// <summary>Passes over the training images for the CNN.</summary>
    public int CnnEpochs { get; init; } = 20;

    /// <summary>Adam's learning rate for the CNN.</summary>
    public double CnnLr { get; init; } = 3e-3;
}
