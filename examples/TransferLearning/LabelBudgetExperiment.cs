using Digits;
using MiniTorch;
using MiniTorch.Data;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace TransferLearning;

/// <summary>Held-out accuracy of one way of learning digits 5–9 with a given number of labelled images per class.</summary>
public sealed record BudgetPoint(string Method, int LabelsPerClass, double TestAccuracy);

/// <summary>The label-budget comparison and the ImageNet feature run it used.</summary>
public sealed record LabelBudgetResult(IReadOnlyList<BudgetPoint> Points, ImageNetFeatureRun ImageNet, int TestImages, IReadOnlyList<int> Budgets);

/// <summary>
/// Digits 5–9 learnt from 10, 30 and all labelled images per class, tested on one fixed held-out set, three ways:
/// (a) a linear head on the frozen ImageNet ResNet-18's features, (b) a linear head on the frozen backbone the
/// example pretrained on digits 0–4, (c) the same CNN from scratch. Features of both frozen backbones are computed
/// once; the heads train on them.
/// </summary>
public static class LabelBudgetExperiment
{
    /// <summary>The names of the three methods, as printed and plotted.</summary>
    public const string ImageNetHead = "ImageNet ResNet-18 + linear head";

    /// <inheritdoc cref="ImageNetHead"/>
    public const string DigitsHead = "digits-0–4 CNN backbone + linear head";

    /// <inheritdoc cref="ImageNetHead"/>
    public const string Scratch = "CNN from scratch";

    /// <summary>Runs the comparison with <paramref name="digitsBackbone"/> (frozen, pretrained on 0–4) as method (b).</summary>
    public static LabelBudgetResult Run(TransferSettings settings, Module digitsBackbone)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(digitsBackbone);
        var (images, labels) = DigitsData.Load();
        float[] y = labels.ToFloatArray();
        var generator = new Generator(settings.Seed * 100 + 7);
        // Per class of 5–9: a fixed test share, the rest is the pool the labelled images are drawn from (in a fixed order).
        var test = new List<int>();
        var pool = new List<int[]>();
        for (int c = 0; c < Networks.ClassesPerTask; c++)
        {
            int[] ofClass = [.. Enumerable.Range(0, y.Length).Where(i => y[i] == c + Networks.ClassesPerTask)];
            Shuffle(ofClass, generator);
            int testCount = Math.Min(settings.BudgetTestPerClass, ofClass.Length / 2);
            test.AddRange(ofClass[..testCount]);
            pool.Add(ofClass[testCount..]);
        }
        int largest = pool.Min(p => p.Length);
        int[] budgets = [.. settings.LabelBudgets.Select(b => b <= 0 ? largest : Math.Min(b, largest)).Distinct()];
        int[] used = [.. test, .. pool.SelectMany(p => p[..Math.Min(p.Length, budgets.Max())])];
        var usedImages = images.IndexSelect(0, Tensor.IndexTensor(used));
        var usedLabels = labels.IndexSelect(0, Tensor.IndexTensor(used)) - Networks.ClassesPerTask;
        var position = new Dictionary<int, int>();
        for (int i = 0; i < used.Length; i++)
        {
            position[used[i]] = i;
        }

        var imageNet = ImageNetFeatures.Extract(usedImages, settings.FeatureBatchSize, settings.RuntimeSample);
        Tensor digitsFeatures;
        digitsBackbone.Eval();
        using (Autograd.NoGrad())
        {
            digitsFeatures = digitsBackbone.Call(usedImages);
        }

        var points = new List<BudgetPoint>();
        var testRows = Tensor.IndexTensor([.. test.Select(i => position[i])]);
        foreach (int budget in budgets)
        {
            var trainRows = Tensor.IndexTensor([.. pool.SelectMany(p => p[..Math.Min(budget, p.Length)]).Select(i => position[i])]);
            points.Add(new(ImageNetHead, budget, TrainHead(imageNet.Features, usedLabels, trainRows, testRows, settings, 11)));
            points.Add(new(DigitsHead, budget, TrainHead(digitsFeatures, usedLabels, trainRows, testRows, settings, 12)));
            points.Add(new(Scratch, budget, TrainScratch(usedImages, usedLabels, trainRows, testRows, settings)));
        }
        return new LabelBudgetResult(points, imageNet, test.Count, budgets);
    }

    /// <summary>A Linear head on fixed features, trained with Adam; returns its held-out accuracy.</summary>
    private static double TrainHead(Tensor features, Tensor labels, Tensor trainRows, Tensor testRows, TransferSettings settings, int stage)
    {
        var generator = new Generator(settings.Seed * 100 + stage);
        // Centred with the training rows' mean and scaled by one overall spread (ImageNet features are ~0–10, the
        // digits CNN's ~0–3). Per-feature scaling from a few rows would blow up the features that barely vary.
        var train = features.IndexSelect(0, trainRows);
        var mean = train.Mean(0, keepDim: true);
        var std = (train - mean).Square().Mean().Sqrt() + 1e-6;
        var head = new Linear(features.Size(1), Networks.ClassesPerTask, generator: generator);
        var trainSet = new TensorDataset((train - mean) / std, labels.IndexSelect(0, trainRows));
        var testSet = new TensorDataset((features.IndexSelect(0, testRows) - mean) / std, labels.IndexSelect(0, testRows));
        var optimizer = new Adam(head.Parameters(), lr: settings.HeadLr);
        var history = Training.Fit(head, optimizer, trainSet, testSet, settings.HeadEpochs, settings.BatchSize, generator,
            new CosineAnnealingLr(optimizer, tMax: settings.HeadEpochs));
        return history[^1].TestAccuracy;
    }

    /// <summary>The example's CNN (backbone + head) from random weights on the labelled images.</summary>
    private static double TrainScratch(Tensor images, Tensor labels, Tensor trainRows, Tensor testRows, TransferSettings settings)
    {
        var generator = new Generator(settings.Seed * 100 + 13);
        var model = Networks.Classifier(Networks.Backbone(generator), Networks.Head(generator));
        var optimizer = new Adam(model.Parameters(), lr: settings.TransferLr);
        var history = Training.Fit(model, optimizer,
            new TensorDataset(images.IndexSelect(0, trainRows), labels.IndexSelect(0, trainRows)),
            new TensorDataset(images.IndexSelect(0, testRows), labels.IndexSelect(0, testRows)),
            settings.ScratchEpochs, settings.BatchSize, generator, new CosineAnnealingLr(optimizer, tMax: settings.ScratchEpochs));
        return history[^1].TestAccuracy;
    }

    private static void Shuffle(int[] items, Generator generator)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = generator.NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
