using MiniTorch;
using MiniTorch.Data;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace LinearRegression;

/// <summary>Where training stands after one epoch: its number (1-based), the training loss and the rate it used.</summary>
public readonly record struct EpochProgress(int Epoch, int Epochs, double Loss, double LearningRate);

/// <summary>A trained model and its loss on the whole training set before training and after every epoch.</summary>
public sealed record TrainingRun(Linear Model, double[] Losses)
{
    /// <summary>The learned weights and bias, in float64.</summary>
    public AffineFit Fit => LinearTrainer.FitOf(Model);
}

/// <summary>
/// Trains a <see cref="Linear"/> layer (features → 1) on the mean squared error with minibatches from a shuffling
/// <see cref="DataLoader{T}"/>: the PyTorch training loop, line for line.
/// </summary>
public static class LinearTrainer
{
    /// <summary>Trains a fresh layer and returns it with its loss curve.</summary>
    /// <param name="features">The inputs, [n, d].</param>
    /// <param name="targets">The values to predict, [n].</param>
    /// <param name="settings">Optimizer, epochs, batch size, learning rate and seed.</param>
    /// <param name="onEpoch">Called after each epoch, so a caller can print progress while training runs.</param>
    public static TrainingRun Train(Tensor features, Tensor targets, TrainingSettings settings, Action<EpochProgress>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (features.Rank != 2 || targets.Rank != 1 || targets.Size(0) != features.Size(0))
        {
            throw new ArgumentException($"LinearTrainer.Train: expected features [n, d] and targets [n], got [{string.Join(", ", features.Shape)}] and [{string.Join(", ", targets.Shape)}].");
        }
        // One generator, drawn from in a fixed order (initial weights, then each epoch's shuffle), so a seed fixes the run.
        var generator = new Generator(settings.Seed);
        var model = new Linear(features.Size(1), 1, dtype: features.DType, generator: generator);
        var column = targets.View(-1, 1); // the layer's output is [batch, 1]; MseLoss wants equal shapes
        var loader = new DataLoader<Tensor[]>(new TensorDataset(features, column), settings.BatchSize, shuffle: true, generator: generator);
        var lossFunction = new MseLoss();
        Optimizer optimizer = settings.Optimizer switch
        {
            OptimizerKind.Sgd => new Sgd(model.Parameters(), lr: settings.LearningRate),
            OptimizerKind.Adam => new Adam(model.Parameters(), lr: settings.LearningRate),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Optimizer, "Unknown optimizer."),
        };
        // With a constant rate, minibatch noise keeps the weights hovering around the minimum (at a distance that
        // grows with lr/batch size); annealing the rate to zero over the run lets them settle on it.
        var scheduler = new CosineAnnealingLr(optimizer, tMax: settings.Epochs);

        var x64 = features.ToDoubleMatrix();
        var y64 = targets.ToDoubleArray();
        var losses = new double[settings.Epochs + 1];
        losses[0] = FullLoss(model, x64, y64);
        for (int epoch = 1; epoch <= settings.Epochs; epoch++)
        {
            double lr = optimizer.ParamGroups[0].Lr;
            foreach (var (x, y) in loader)
            {
                optimizer.ZeroGrad();
                var loss = lossFunction.Call(model.Call(x), y);
                loss.Backward();
                optimizer.Step();
            }
            scheduler.Step();
            losses[epoch] = FullLoss(model, x64, y64);
            onEpoch?.Invoke(new EpochProgress(epoch, settings.Epochs, losses[epoch], lr));
        }
        return new TrainingRun(model, losses);
    }

    /// <summary>
    /// The mean squared error on the whole training set, in float64. Recorded instead of the mean of the epoch's
    /// minibatch losses, which mixes weights from the start and the end of the epoch, and in float64 because a float32
    /// sum of a thousand squares is only good to ~1e-7 relative, about the size of the last differences between the
    /// runs and the exact optimum that the curves are meant to show.
    /// </summary>
    private static double FullLoss(Linear model, double[,] x, double[] y) => FitOf(model).MeanSquaredError(x, y);

    /// <summary>The weights and bias of a one-output layer, in float64.</summary>
    public static AffineFit FitOf(Linear model) => new(model.Weight.Detach().ToDoubleArray(), model.Bias!.Detach().Item());
}
