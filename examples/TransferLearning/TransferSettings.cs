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

    /// <summary>
    /// Labelled images per class of digits 5–9 in the label-budget comparison (ImageNet head, digits head, scratch);
    /// 0 stands for all the images of the pool.
    /// </summary>
    public IReadOnlyList<int> LabelBudgets { get; init; } = [10, 30, 0];

    /// <summary>Held-out images per class of 5–9 in the label-budget comparison (the same set for every method and budget).</summary>
    public int BudgetTestPerClass { get; init; } = 60;

    /// <summary>Epochs of a linear head on fixed features in the label-budget comparison.</summary>
    public int HeadEpochs { get; init; } = 40;

    /// <summary>Epochs of the CNN from scratch in the label-budget comparison.</summary>
    public int ScratchEpochs { get; init; } = 30;

    /// <summary>Images per batch when extracting the ImageNet features (224×224 activations are large).</summary>
    public int FeatureBatchSize { get; init; } = 16;

    /// <summary>Images run through ONNX Runtime too, to time it and to compare its features with MiniTorch's.</summary>
    public int RuntimeSample { get; init; } = 32;

    /// <summary>Whether to run the label-budget comparison (with the ImageNet backbone) after the digits transfer.</summary>
    public bool RunLabelBudgets { get; init; } = true;
}
