using System.Globalization;
using Digits;
using MiniTorch;
using MiniTorch.Data;
using MiniTorch.Distributed;
using MiniTorch.NN;
using MiniTorch.Optim;

// Trains the digits CNN data-parallel: every rank trains on its own shard of each epoch (DistributedSampler), and
// DistributedDataParallel averages the gradients, so the ranks together take the steps one process would take on the
// global batch. Rank 0 prints progress and the test accuracy.
//   one process:            dotnet run --project examples/DistributedDigits
//   two ranks, one machine: dotnet build examples/DistributedDigits, then
//                           mpirun -np 2 dotnet run --no-build --project examples/DistributedDigits
// Options: --epochs N (default 8), --batch-size N (global, default 64), --train-limit N, --lr X, --seed N, --save FILE.
var options = Options.Parse(args);
using var world = Distributed.Init();
int rank = world.Rank, size = world.WorldSize;
var culture = CultureInfo.InvariantCulture;
void Say(string line)
{
    if (rank == 0)
    {
        Console.WriteLine(line);
    }
}

if (options.GlobalBatch % size != 0)
{
    throw new ArgumentException($"DistributedDigits: the global batch size {options.GlobalBatch} must be divisible by the {size} ranks.");
}
var settings = new DigitsSettings { Seed = options.Seed, TrainLimit = options.TrainLimit };
var (train, test) = DigitsData.Split(settings); // the same split on every rank: it is seeded
// Each rank initialises differently on purpose: DDP broadcasts rank 0's weights, so they start equal anyway.
var model = Models.Cnn(new Generator(options.Seed + rank));
using var ddp = new DistributedDataParallel(model);
var sampler = new DistributedSampler(train.Count, shuffle: true, seed: options.Seed);
var loader = new DataLoader<Tensor[]>(train, batchSize: options.GlobalBatch / size, sampler: sampler);
var optimizer = new Adam(ddp.Parameters(), lr: options.Lr);
var loss = new CrossEntropyLoss();
Say($"DistributedDigits: {size} rank(s), {Parallelism.MaxThreads} thread(s) per rank, {train.Count} training images ({sampler.NumSamples} per rank per epoch), " +
    $"global batch {options.GlobalBatch} ({options.GlobalBatch / size} per rank), {ddp.Buckets.Count} gradient bucket(s)");

var watch = System.Diagnostics.Stopwatch.StartNew();
for (int epoch = 0; epoch < options.Epochs; epoch++)
{
    sampler.SetEpoch(epoch); // a new shuffle each epoch, the same on every rank
    ddp.Train();
    double lossSum = 0, seen = 0;
    foreach (var (images, labels) in loader)
    {
        using var step = TensorScope.Enter();
        optimizer.ZeroGrad();
        var batchLoss = loss.Call(ddp.Call(images), labels.To(DType.Int64));
        batchLoss.Backward(); // gradients are averaged over the ranks here
        optimizer.Step();
        lossSum += batchLoss.Item() * labels.Size(0);
        seen += labels.Size(0);
    }
    var totals = Tensor.FromArray(new[] { lossSum, seen });
    Distributed.AllReduce(totals, ReduceOp.Sum);
    var (testLoss, accuracy) = Evaluate(model, test, rank, size);
    Say(string.Format(culture, "epoch {0,2}  train loss {1:0.0000}  test loss {2:0.0000}  test accuracy {3:0.0000}  ({4:0.0} s)",
        epoch + 1, totals.GetValue(0) / totals.GetValue(1), testLoss, accuracy, watch.Elapsed.TotalSeconds));
}
var (_, finalAccuracy) = Evaluate(model, test, rank, size);
Say(string.Format(culture, "test accuracy {0:0.0000} after {1} epochs on {2} rank(s) in {3:0.0} s", finalAccuracy, options.Epochs, size, watch.Elapsed.TotalSeconds));
if (options.SavePath is { } path)
{
    DistributedCheckpoint.Save(ddp, path); // rank 0 writes the bare model's state dict, the others wait
    Say($"saved to {Path.GetFullPath(path)}");
}
return 0;

// Each rank evaluates every size-th test image starting at its rank (no padding, so nothing is counted twice), and the
// sums are all-reduced: every rank gets the accuracy on the whole test set.
static (double Loss, double Accuracy) Evaluate(Module model, Dataset<Tensor[]> test, int rank, int size)
{
    model.Eval();
    var mine = new List<int>();
    for (int i = rank; i < test.Count; i += size)
    {
        mine.Add(i);
    }
    double lossSum = 0, correct = 0;
    using (Autograd.NoGrad())
    {
        foreach (var (images, labels) in new DataLoader<Tensor[]>(new Subset<Tensor[]>(test, [.. mine]), batchSize: 256))
        {
            using var batch = TensorScope.Enter();
            var logits = model.Call(images);
            lossSum += Functional.CrossEntropy(logits, labels.To(DType.Int64), reduction: Reduction.Sum).Item();
            correct += logits.ArgMax(1).To(labels.DType).Eq(labels).Sum().Item();
        }
    }
    var sums = Tensor.FromArray(new[] { lossSum, correct, mine.Count });
    Distributed.AllReduce(sums, ReduceOp.Sum);
    return (sums.GetValue(0) / sums.GetValue(2), sums.GetValue(1) / sums.GetValue(2));
}

internal sealed record Options(int Epochs, int GlobalBatch, int? TrainLimit, double Lr, long Seed, string? SavePath)
{
    public static Options Parse(string[] args)
    {
        var o = new Options(8, 64, null, 3e-3, 0, null);
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"DistributedDigits: option {args[i]} needs a value.");
            var c = CultureInfo.InvariantCulture;
            o = args[i] switch
            {
                "--epochs" => o with { Epochs = int.Parse(value, c) },
                "--batch-size" => o with { GlobalBatch = int.Parse(value, c) },
                "--train-limit" => o with { TrainLimit = int.Parse(value, c) },
                "--lr" => o with { Lr = double.Parse(value, c) },
                "--seed" => o with { Seed = long.Parse(value, c) },
                "--save" => o with { SavePath = value },
                _ => throw new ArgumentException($"DistributedDigits: unknown option {args[i]}; options: --epochs N --batch-size N --train-limit N --lr X --seed N --save FILE."),
            };
            i++;
        }
        return o;
    }
}
