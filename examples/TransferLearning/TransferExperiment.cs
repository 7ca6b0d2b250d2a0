using Digits;
using MiniTorch;
using MiniTorch.Data;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace TransferLearning;

/// <summary>One model's training on one task: its per-epoch history.</summary>
public sealed record StageRun(string Name, IReadOnlyList<EpochStats> History)
{
    /// <summary>Test accuracy after the last epoch.</summary>
    public double TestAccuracy => History[^1].TestAccuracy;

    /// <summary>The median time of a training epoch: robust to the first epoch's JIT compilation and to a busy machine.</summary>
    public TimeSpan MedianEpochTime
    {
        get
        {
            var sorted = History.Select(e => e.Duration).Order().ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }
}

/// <summary>Everything the experiment found, including the frozen model and its optimizer so tests can inspect them.</summary>
/// <param name="Data">The task splits.</param>
/// <param name="Pretrain">The backbone's pretraining on digits 0–4 (with a temporary head).</param>
/// <param name="BackbonePath">The safetensors file the pretrained backbone was saved to.</param>
/// <param name="LoadedBackboneChanges">State entries in which the loaded backbone differs from the pretrained one (none).</param>
/// <param name="FrozenModel">The loaded, frozen backbone plus the new head, after the head was trained.</param>
/// <param name="HeadOptimizer">The optimizer that trained <paramref name="FrozenModel"/>.</param>
/// <param name="OptimizerHoldsOnlyHead">Whether that optimizer holds exactly the head's parameters.</param>
/// <param name="Counts">Trainable and frozen parameter elements of <paramref name="FrozenModel"/>.</param>
/// <param name="BackboneChanges">State entries of the frozen backbone that changed during head training (none).</param>
/// <param name="Frozen">Training the head on the frozen backbone.</param>
/// <param name="Scratch">The same architecture trained from random weights on the same labelled images.</param>
/// <param name="FineTune">The loaded backbone and a new head, all trained on the same labelled images.</param>
public sealed record TransferResult(
    TaskData Data,
    StageRun Pretrain,
    string BackbonePath,
    IReadOnlyList<string> LoadedBackboneChanges,
    Sequential FrozenModel,
    Optimizer HeadOptimizer,
    bool OptimizerHoldsOnlyHead,
    ParameterCounts Counts,
    IReadOnlyList<string> BackboneChanges,
    StageRun Frozen,
    StageRun Scratch,
    StageRun FineTune);

/// <summary>
/// Pretrains a backbone on digits 0–4, saves it, loads it under a new head for digits 5–9, freezes it, and trains
/// only the head on a few labelled images; compares with training from scratch and with fine-tuning everything.
/// </summary>
public static class TransferExperiment
{
    /// <summary>Runs every stage; the backbone is saved in <paramref name="outDir"/>; <paramref name="onEpoch"/> hears each stage's epochs.</summary>
    public static TransferResult Run(TransferSettings settings, string outDir, Action<string, EpochStats>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(outDir);
        var data = TaskData.Load(settings);
        // Each stage draws from its own generator, so a stage's run does not depend on the ones before it.
        Generator StageGenerator(int stage) => new(settings.Seed * 100 + stage);

        // 1. Pretrain backbone + a temporary 0–4 head on the plentiful task.
        var pretrainGenerator = StageGenerator(1);
        var backbone = Networks.Backbone(pretrainGenerator);
        var pretrainModel = Networks.Classifier(backbone, Networks.Head(pretrainGenerator));
        var pretrain = Fit("pretrain", pretrainModel, new Adam(pretrainModel.Parameters(), lr: settings.PretrainLr),
            data.PretrainTrain, data.PretrainTest, settings.PretrainEpochs, pretrainGenerator);

        // 2. Keep only the backbone: its weights and BatchNorm statistics, as safetensors.
        string backbonePath = Path.GetFullPath(Path.Combine(outDir, "backbone.safetensors"));
        Directory.CreateDirectory(outDir);
        backbone.Save(backbonePath, new Dictionary<string, string> { ["task"] = "digits 0-4", ["architecture"] = "Networks.Backbone" });

        // 3. A new model: the loaded backbone (its random initial weights are all overwritten) plus a new 5–9 head.
        var frozenGenerator = StageGenerator(2);
        var loaded = Networks.Backbone(frozenGenerator);
        loaded.Load(backbonePath);
        var loadedChanges = ModelInspection.ChangedEntries(loaded, ModelInspection.Snapshot(backbone));
        loaded.Freeze();
        var head = Networks.Head(StageGenerator(3));
        var frozenModel = Networks.Classifier(loaded, head);
        var before = ModelInspection.Snapshot(loaded);
        // PyTorch's idiom: give the optimizer only what requires grad, which after Freeze() is the head.
        var trainable = frozenModel.Parameters().Where(p => p.RequiresGrad).ToList();
        var headOptimizer = new Adam(trainable, lr: settings.HeadLr);
        var frozen = Fit("frozen", frozenModel, headOptimizer, data.Labelled, data.HeldOut, settings.TransferEpochs, frozenGenerator);
        var backboneChanges = ModelInspection.ChangedEntries(loaded, before);

        // 4. The same architecture from random weights, on the same labelled images.
        var scratchGenerator = StageGenerator(4);
        var scratchModel = Networks.Classifier(Networks.Backbone(scratchGenerator), Networks.Head(scratchGenerator));
        var scratch = Fit("scratch", scratchModel, new Adam(scratchModel.Parameters(), lr: settings.TransferLr),
            data.Labelled, data.HeldOut, settings.TransferEpochs, scratchGenerator);

        // 5. Full fine-tune: the loaded backbone not frozen, everything trained. The generators replay the frozen run's
        //    (same initial head, same batch order), so the two runs differ only in what is trained and at which rate.
        var fineTuneGenerator = StageGenerator(2);
        var fineTuneBackbone = Networks.Backbone(fineTuneGenerator);
        fineTuneBackbone.Load(backbonePath);
        var fineTuneModel = Networks.Classifier(fineTuneBackbone, Networks.Head(StageGenerator(3)));
        var fineTune = Fit("fine-tune", fineTuneModel, new Adam(fineTuneModel.Parameters(), lr: settings.TransferLr),
            data.Labelled, data.HeldOut, settings.TransferEpochs, fineTuneGenerator);

        return new TransferResult(data, pretrain, backbonePath, loadedChanges, frozenModel, headOptimizer,
            ModelInspection.HoldsExactly(headOptimizer, head.Parameters()), ModelInspection.Count(frozenModel), backboneChanges,
            frozen, scratch, fineTune);

        StageRun Fit(string name, Module model, Optimizer optimizer, Dataset<Tensor[]> train, Dataset<Tensor[]> test, int epochs, Generator generator)
        {
            // Annealing to zero lets the last epochs settle, as in the Digits example.
            var scheduler = new CosineAnnealingLr(optimizer, tMax: epochs);
            var history = Training.Fit(model, optimizer, train, test, epochs, settings.BatchSize, generator, scheduler,
                stats => onEpoch?.Invoke(name, stats));
            return new StageRun(name, history);
        }
    }
}
