using Digits;
using MiniTorch;
using MiniTorch.Data;

namespace TransferLearning;

/// <summary>
/// The digits split into two tasks: 0–4 (plentiful, for pretraining: a train and a test split) and 5–9 (a few
/// labelled images per class, the rest held out for testing). Labels of 5–9 are shifted to 0–4, the head's classes.
/// </summary>
public sealed record TaskData(Dataset<Tensor[]> PretrainTrain, Dataset<Tensor[]> PretrainTest, Dataset<Tensor[]> Labelled, Dataset<Tensor[]> HeldOut)
{
    /// <summary>Reads the digits and splits them with the seed and shots of <paramref name="settings"/>.</summary>
    public static TaskData Load(TransferSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (images, labels) = DigitsData.Load();
        float[] y = labels.ToFloatArray();
        var generator = new Generator(settings.Seed);

        var first = TaskSet(images, labels, y, firstClass: 0);
        var pretrain = Dataset.RandomSplit(first, [0.8, 0.2], generator);

        var second = TaskSet(images, labels, y, firstClass: Networks.ClassesPerTask);
        float[] secondLabels = second.Tensors[1].ToFloatArray();
        var labelled = new List<int>();
        var heldOut = new List<int>();
        for (int c = 0; c < Networks.ClassesPerTask; c++)
        {
            int[] ofClass = Enumerable.Range(0, secondLabels.Length).Where(i => secondLabels[i] == c).ToArray();
            if (ofClass.Length <= settings.ShotsPerClass)
            {
                throw new ArgumentException($"ShotsPerClass = {settings.ShotsPerClass} leaves no held-out image of digit {c + Networks.ClassesPerTask} ({ofClass.Length} images).", nameof(settings));
            }
            Shuffle(ofClass, generator);
            labelled.AddRange(ofClass[..settings.ShotsPerClass]);
            heldOut.AddRange(ofClass[settings.ShotsPerClass..]);
        }
        return new TaskData(pretrain[0], pretrain[1], new Subset<Tensor[]>(second, labelled), new Subset<Tensor[]>(second, heldOut));
    }

    /// <summary>The images of digits firstClass … firstClass + 4, labelled 0–4.</summary>
    private static TensorDataset TaskSet(Tensor images, Tensor labels, float[] y, int firstClass)
    {
        int[] rows = Enumerable.Range(0, y.Length).Where(i => y[i] >= firstClass && y[i] < firstClass + Networks.ClassesPerTask).ToArray();
        var index = Tensor.IndexTensor(rows);
        return new TensorDataset(images.IndexSelect(0, index), labels.IndexSelect(0, index) - firstClass);
    }

    /// <summary>Fisher–Yates with the example's generator, so the same seed picks the same labelled images.</summary>
    private static void Shuffle(int[] items, Generator generator)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = generator.NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
