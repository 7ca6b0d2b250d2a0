namespace TransferLearning;

/// <summary>
/// Everything that decides a run of the transfer-learning example. The defaults are the full run the program does;
/// tests pass fewer epochs so the same code runs in seconds.
/// </summary>
public sealed record TransferSettings
{
    /// <summary>Seeds the splits, the weight initialisations, the shuffling and the choice of labelled images.</summary>
    public long Seed { get; init; } = 0;

    /// <summary>Images per optimizer step in every stage.</summary>
    public int BatchSize { get; init; } = 20;

    /// <summary>Epochs of pretraining the backbone on digits 0–4.</summary>
    public int PretrainEpochs { get; init; } = 10;

    /// <summary>Adam's learning rate for pretraining.</summary>
    public double PretrainLr { get; init; } = 3e-3;

    /// <summary>Labelled images per class of digits 5–9; the other 5–9 images are the held-out test set.</summary>
    public int ShotsPerClass { get; init; } = 20;

    /// <summary>
    /// Epochs on the labelled 5–9 images, the same for each of the three models compared (frozen backbone, from
    /// scratch, full fine-tune), so their accuracies and times per epoch compare like with like.
    /// </summary>
    public int TransferEpochs { get; init; } = 20;

    /// <summary>Adam's learning rate on the labelled 5–9 images when the whole network is trained (from scratch, fine-tune).</summary>
    public double TransferLr { get; init; } = 3e-3;

    /// <summary>
    /// Adam's learning rate for the new head on the frozen backbone: a linear layer alone on fixed features takes larger
    /// steps without diverging, and needs them to fit in the few steps that a hundred images give.
    /// </summary>
    public double HeadLr { get; init; } = 1e-2;
}
