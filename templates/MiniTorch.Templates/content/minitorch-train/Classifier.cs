using MiniTorch;
using MiniTorch.NN;

namespace MiniTorchTrain;

/// <summary>
/// A multi-layer perceptron on standardised features: (x − mean) / std, a hidden layer with ReLU, and one logit per
/// class. The mean and std are buffers, so they are saved in the checkpoint with the weights.
/// </summary>
public sealed class Classifier : Module
{
    private readonly Sequential _layers;

    /// <summary>Creates the model for features standardised by <paramref name="mean"/> and <paramref name="std"/>.</summary>
    public Classifier(Tensor mean, Tensor std, int hidden, int classes, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        RegisterBuffer("mean", mean);
        RegisterBuffer("std", std);
        _layers = RegisterModule("layers", new Sequential(
            new Linear(mean.Size(0), hidden, generator: generator),
            new Relu(),
            new Linear(hidden, classes, generator: generator)));
    }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input) => _layers.Call((input - RequiredBuffer("mean")) / RequiredBuffer("std"));
}
