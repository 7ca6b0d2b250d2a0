namespace LinearRegression;

/// <summary>The optimizers the example compares.</summary>
public enum OptimizerKind
{
    /// <summary>Plain stochastic gradient descent (<c>MiniTorch.Optim.Sgd</c>, no momentum).</summary>
    Sgd,

    /// <summary>Adam with PyTorch's default betas (<c>MiniTorch.Optim.Adam</c>).</summary>
    Adam,
}

/// <summary>
/// How one model is trained: the optimizer, full passes over the data, minibatch size, initial learning rate and
/// the seed of both the model's initialisation and the loader's shuffling, so a run repeats exactly.
/// </summary>
public sealed record TrainingSettings(OptimizerKind Optimizer, int Epochs, int BatchSize, double LearningRate, long Seed)
{
    /// <summary>Throws when a setting cannot describe a training run.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be a positive finite number.");
        }
    }
}
