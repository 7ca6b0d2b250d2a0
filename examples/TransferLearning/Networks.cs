using MiniTorch;
using MiniTorch.NN;

namespace TransferLearning;

/// <summary>The backbone (a feature extractor for 8×8 digits) and the heads put on it.</summary>
public static class Networks
{
    /// <summary>The number of features the backbone gives per image: 32 channels × 4 × 4.</summary>
    public const int FeatureCount = 512;

    /// <summary>Digits per task: 0–4 for pretraining, 5–9 for the transfer.</summary>
    public const int ClassesPerTask = 5;

    /// <summary>
    /// The convolutional part of the Digits example's CNN without its last pooling: images (N, 1, 8, 8) to features
    /// (N, 512). Pooling the 4×4 maps down to 2×2 as well discards the layout that tells the new digits apart: a head on
    /// those 128 features reached ~2 points less held-out accuracy. The BatchNorm layers make freezing matter beyond
    /// gradients: their running statistics would drift in training mode unless frozen.
    /// </summary>
    public static Sequential Backbone(Generator generator) => new(
        new Conv2d(1, 16, 3, padding: 1, generator: generator),
        new BatchNorm2d(16),
        new Relu(),
        new MaxPool2d(2),
        new Conv2d(16, 32, 3, padding: 1, generator: generator),
        new BatchNorm2d(32),
        new Relu(),
        new Flatten());

    /// <summary>A linear classifier of the backbone's features into <see cref="ClassesPerTask"/> digits.</summary>
    public static Linear Head(Generator generator) => new(FeatureCount, ClassesPerTask, generator: generator);

    /// <summary>The backbone followed by the head, named so parameters read <c>backbone.0.weight</c>, <c>head.weight</c>.</summary>
    public static Sequential Classifier(Module backbone, Module head) => new Sequential().Add("backbone", backbone).Add("head", head);
}
