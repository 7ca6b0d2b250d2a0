using System.Diagnostics;
using MiniTorch;
using MiniTorch.Data;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace Digits;

/// <summary>What one epoch of training gave: the mean loss and the accuracy on each split, and how long the epoch took.</summary>
public sealed record EpochStats(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy, TimeSpan Duration);

/// <summary>The training loop and the evaluation shared by both models.</summary>
public static class Training
{
    private static readonly CrossEntropyLoss Loss = new();

    /// <summary>
    /// Trains <paramref name="model"/> for <paramref name="epochs"/> passes over <paramref name="train"/> (shuffled
    /// from <paramref name="generator"/>), evaluating on <paramref name="test"/> after each and reporting it to
    /// <paramref name="onEpoch"/>. A <paramref name="scheduler"/>, if given, steps once per epoch.
    /// </summary>
    public static IReadOnlyList<EpochStats> Fit(Module model, Optimizer optimizer, Dataset<Tensor[]> train, Dataset<Tensor[]> test,
        int epochs, int batchSize, Generator generator, LrScheduler? scheduler = null, Action<EpochStats>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var loader = new DataLoader<Tensor[]>(train, batchSize, shuffle: true, generator: generator);
        var history = new List<EpochStats>(epochs);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var (trainLoss, trainAccuracy) = TrainEpoch(model, optimizer, loader);
            var duration = clock.Elapsed;
            scheduler?.Step();
            var (testLoss, testAccuracy) = Evaluate(model, test);
            var stats = new EpochStats(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, duration);
            history.Add(stats);
            onEpoch?.Invoke(stats);
        }
        return history;
    }

    /// <summary>One pass over <paramref name="loader"/> in training mode; returns the mean loss and the accuracy seen on the way.</summary>
    public static (double Loss, double Accuracy) TrainEpoch(Module model, Optimizer optimizer, DataLoader<Tensor[]> loader)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loader);
        model.Train();
        double lossSum = 0, correct = 0;
        int seen = 0;
        foreach (var (images, labels) in loader)
        {
            // Every tensor of the step is disposed when the scope ends, so the next step reuses its memory instead of
            // leaving it to the GC; parameters, their gradients and the optimizer's state are kept automatically.
            using var step = TensorScope.Enter();
            optimizer.ZeroGrad();
            var logits = model.Call(images);
            var loss = Loss.Call(logits, labels.To(DType.Int64));
            loss.Backward();
            optimizer.Step();
            int n = labels.Size(0);
            lossSum += loss.Item() * n;
            correct += CountCorrect(logits, labels);
            seen += n;
        }
        return (lossSum / seen, correct / seen);
    }

    /// <summary>The mean loss and the accuracy of <paramref name="model"/> on <paramref name="data"/>, in evaluation mode and without recording a graph.</summary>
    public static (double Loss, double Accuracy) Evaluate(Module model, Dataset<Tensor[]> data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        model.Eval();
        double lossSum = 0, correct = 0;
        using (Autograd.NoGrad())
        {
            foreach (var (images, labels) in new DataLoader<Tensor[]>(data, batchSize: 512))
            {
                using var batch = TensorScope.Enter();
                var logits = model.Call(images);
                lossSum += Loss.Call(logits, labels.To(DType.Int64)).Item() * labels.Size(0);
                correct += CountCorrect(logits, labels);
            }
        }
        return (lossSum / data.Count, correct / data.Count);
    }

    /// <summary>How many rows of <paramref name="logits"/> have their largest value at the label's class.</summary>
    public static double CountCorrect(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        using (Autograd.NoGrad())
        {
            return logits.ArgMax(1).To(labels.DType).Eq(labels).Sum().Item();
        }
    }
}
