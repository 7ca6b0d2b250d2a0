// Trains a classifier on a CSV file (the iris data in data/iris.csv unless --data names another), the way a PyTorch
// training script does: a seeded train/validation split, a model, the optimizer and a learning-rate schedule, the
// epoch loop with progress, a checkpoint after every epoch (--resume continues from it), and a loss plot.
//
//   dotnet run                                   # 30 epochs on data/iris.csv, results in output/
//   dotnet run -- --data my.csv --target label   # your own data: numeric features and an integer class column
//   dotnet run -- --epochs 60 --resume           # train on to epoch 60 from output/checkpoint.safetensors
using MiniTorch;
using MiniTorch.Data;
using MiniTorch.NN;
using MiniTorch.Optim;
using MiniTorch.Training;
using MiniTorchTrain;

TrainingOptions options;
try
{
    options = TrainingOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(TrainingOptions.Usage);
    return 2;
}

var data = TabularData.Load(options.DataPath, options.TargetColumn, options.ValidationFraction, options.Seed);
Console.WriteLine($"{options.DataPath}: {data.Train.Count} training and {data.Validation.Count} validation rows, " +
                  $"{data.FeatureCount} features, {data.ClassCount} classes");

// One generator for the weights, one for the shuffling: the checkpoint saves the shuffling one, so a resumed run
// draws the same batches as a run that never stopped.
var model = new Classifier(data.FeatureMean, data.FeatureStd, hidden: options.Hidden, classes: data.ClassCount, new Generator(options.Seed));
var optimizer = new Adam(model.Parameters(), lr: options.LearningRate);
var scheduler = new StepLr(optimizer, stepSize: Math.Max(options.Epochs / 3, 1), gamma: 0.5);
var shuffling = new Generator(options.Seed + 1);
var loader = new DataLoader<Tensor[]>(data.Train, options.BatchSize, shuffle: true, generator: shuffling);
var lossFunction = new CrossEntropyLoss();

Directory.CreateDirectory(options.OutputDirectory);
string checkpointPath = Path.Combine(options.OutputDirectory, "checkpoint.safetensors");
var history = new TrainingHistory();
int firstEpoch = 1;
if (options.Resume && File.Exists(checkpointPath))
{
    var info = Checkpoint.Load(checkpointPath, model, optimizer, scheduler, shuffling);
    history = TrainingHistory.FromMetadata(info.Metadata);
    firstEpoch = info.Epoch + 1;
    Console.WriteLine($"resumed from {checkpointPath} after epoch {info.Epoch}");
}

var progress = new EpochProgress(Console.Out);
progress.Run(firstEpoch, options.Epochs, epoch =>
{
    var (trainLoss, trainAccuracy) = Epochs.Train(model, optimizer, loader, lossFunction);
    scheduler.Step();
    var (validationLoss, validationAccuracy) = Epochs.Evaluate(model, data.Validation, lossFunction);
    history.Add(epoch, trainLoss, validationLoss, validationAccuracy);
    // Written atomically: a run killed while saving keeps the previous checkpoint.
    Checkpoint.Save(checkpointPath, model, optimizer, scheduler, epoch, shuffling, history.ToMetadata());
    return ($"train loss {trainLoss:F4} (accuracy {trainAccuracy:P1}), validation loss {validationLoss:F4} (accuracy {validationAccuracy:P1})",
            $"validation loss {validationLoss:F3}, accuracy {validationAccuracy:P0}");
});

if (history.Count > 0)
{
    string plot = LossPlot.Save(Path.Combine(options.OutputDirectory, "loss.png"), history);
    Console.WriteLine($"validation accuracy after epoch {history.LastEpoch}: {history.LastValidationAccuracy:P1}");
    Console.WriteLine($"wrote {plot} and {Path.GetFullPath(checkpointPath)}");
}
return 0;
