using MiniTorch;
using MiniTorch.NN;

namespace Digits;

/// <summary>The two classifiers of the example, each taking images (N, 1, 8, 8) to 10 logits.</summary>
public static class Models
{
    /// <summary>
    /// A multi-layer perceptron: the 64 pixels through two hidden layers of 128 and 64 units. Dropout keeps it from
    /// memorising the ~1400 training images, which it otherwise does within a few epochs.
    /// </summary>
    public static Sequential Mlp(Generator generator) => new(
        new Flatten(),
        new Linear(64, 128, generator: generator),
        new Relu(),
        new Dropout(0.2, generator),
        new Linear(128, 64, generator: generator),
        new Relu(),
        new Linear(64, 10, generator: generator));

    /// <summary>
    /// A small convolutional network: two 3×3 convolutions (16 and 32 filters, padded so 8×8 stays 8×8), each
    /// followed by 2×2 max pooling (8×8 → 4×4 → 2×2), then a linear layer on the 32·2·2 = 128 features.
    /// </summary>
    public static Sequential Cnn(Generator generator) => new(
        new Conv2d(1, 16, 3, padding: 1, generator: generator),
        new BatchNorm2d(16),
        new Relu(),
        new MaxPool2d(2),
        new Conv2d(16, 32, 3, padding: 1, generator: generator),
        new BatchNorm2d(32),
        new Relu(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(128, 64, generator: generator),
        new Relu(),
        new Dropout(0.2, generator),
        new Linear(64, 10, generator: generator));
}
