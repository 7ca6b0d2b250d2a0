using TransferLearning;

namespace MiniTorch.Examples.Tests.TransferLearning;

/// <summary>One small run of the whole experiment (a few seconds), shared by the tests that read its results.</summary>
/// <remarks>A collection fixture, not a class fixture: every test class of the collection reads the same run.</remarks>
public sealed class SmallTransferRun : IDisposable
{
    /// <summary>
    /// 2 pretraining epochs and 8 epochs per transfer model on 20 labelled images per class. Over seeds 0–4 this reached
    /// 0.98–1.00 on digits 0–4 after pretraining and 0.935–0.962 on the held-out 5–9 images for each of the three
    /// models; chance is 0.2.
    /// </summary>
    public static readonly TransferSettings Settings = new() { PretrainEpochs = 2, TransferEpochs = 8 };

    private readonly TempDirectory _dir = new("minitorch-transfer");

    public SmallTransferRun() => Result = TransferExperiment.Run(Settings, _dir.Path);

    public TransferResult Result { get; }

    public void Dispose() => _dir.Dispose();
}

/// <summary>The test classes that share one <see cref="SmallTransferRun"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SmallTransferRunCollection : ICollectionFixture<SmallTransferRun>
{
    public const string Name = "small transfer run";
}
