using MiniTorch;
using MiniTorch.Data;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace Digits;

/// <summary>One model's run: its name, the trained model, its size and per-epoch history.</summary>
public sealed record ModelRun(string Name, Module Model, int ParameterCount, IReadOnlyList<EpochStats> History)
{
    /// <summary>Test accuracy after the last epoch.</summary>
    public double TestAccuracy => History[^1].TestAccuracy;

    /// <summary>Time spent training (evaluation not included).</summary>
    public TimeSpan TrainingTime => TimeSpan.FromTicks(History.Sum(e => e.Duration.Ticks));
}

/// <summary>The whole experiment's outcome: split sizes, both models' runs, and the test images (for checks on the trained models).</summary>
public sealed record DigitsResult(int TrainCount, int TestCount, ModelRun Mlp, ModelRun Cnn, Tensor TestImages);

/// <summary>Trains the MLP and the CNN of <see cref="Models"/> on the same split and reports both.</summary>
public static class DigitsExperiment
{
    /// <summary>Runs the experiment; <paramref name="onEpoch"/> hears each model's name and epoch as it finishes.</summary>
    public static DigitsResult Run(DigitsSettings settings, Action<string, EpochStats>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (train, test) = DigitsData.Split(settings);
        // One generator per model, derived from the seed, so each model's run is the same whichever runs first.
        var mlp = Train("MLP", Models.Mlp, settings.MlpEpochs, settings.MlpLr, new Generator(settings.Seed + 1));
        var cnn = Train("CNN", Models.Cnn, settings.CnnEpochs, settings.CnnLr, new Generator(settings.Seed + 2));
        return new DigitsResult(train.Count, test.Count, mlp, cnn, TestImages(test));

        ModelRun Train(string name, Func<Generator, Sequential> build, int epochs, double lr, Generator generator)
        {
            var model = build(generator);
            var optimizer = new Adam(model.Parameters(), lr: lr);
            // Annealing the rate to zero lets the last epochs settle instead of hopping between nearby minima.
            var scheduler = new CosineAnnealingLr(optimizer, tMax: epochs);
            var history = Training.Fit(model, optimizer, train, test, epochs, settings.BatchSize, generator, scheduler,
                stats => onEpoch?.Invoke(name, stats));
            return new ModelRun(name, model, model.Parameters().Sum(p => p.Numel), history);
        }
    }

    private static Tensor TestImages(Dataset<Tensor[]> test)
    {
        var images = new Tensor[test.Count];
        for (int i = 0; i < images.Length; i++)
        {
            images[i] = test[i][0];
        }
        return Tensor.Stack(images);
    }
}
