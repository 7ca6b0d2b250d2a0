using Digits;
using MiniTorch.Data;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace MiniTorch.Examples.Tests.Digits;

public class TrainingTests
{
    [Fact]
    public void CountCorrectComparesEachRowsLargestLogitWithItsLabel()
    {
        var logits = Tensor.FromArray(new float[,] { { 0.1f, 2, 0.3f }, { 5, 1, 0 }, { 0, 0, 1 }, { 1, 3, 2 } });
        var labels = Tensor.FromArray(new float[] { 1, 0, 0, 2 });
        Assert.Equal(2.0, Training.CountCorrect(logits, labels)); // rows 0 and 1 right, rows 2 and 3 wrong
    }

    [Fact]
    public void EvaluateGivesMeanLossAndAccuracyInEvalModeWithoutAGraph()
    {
        var model = new Sequential(new Flatten(), new Linear(64, 10, generator: new Generator(0)));
        var images = Tensor.Rand([6, 1, 8, 8], generator: new Generator(1));
        var labels = Tensor.FromArray(new float[] { 0, 1, 2, 3, 4, 5 });
        var (loss, accuracy) = Training.Evaluate(model, new TensorDataset(images, labels));

        var logits = model.Call(images);
        Assert.Equal(new CrossEntropyLoss().Call(logits, labels.To(DType.Int64)).Item(), loss, 5); // class targets are Int64
        Assert.Equal(Training.CountCorrect(logits, labels) / 6, accuracy);
        Assert.False(model.IsTraining);
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void FitLowersTheTrainingLossAndReportsEveryEpoch()
    {
        var (train, test) = DigitsData.Split(new DigitsSettings { TrainLimit = 200 });
        var model = Models.Mlp(new Generator(0));
        var optimizer = new Adam(model.Parameters(), lr: 1e-2);
        var reported = new List<int>();
        var history = Training.Fit(model, optimizer, train, test, epochs: 4, batchSize: 16, new Generator(0), onEpoch: e => reported.Add(e.Epoch));
        Assert.Equal([1, 2, 3, 4], reported);
        Assert.Equal([1, 2, 3, 4], history.Select(e => e.Epoch));
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss / 2, $"train loss {history[0].TrainLoss} → {history[^1].TrainLoss}");
        Assert.All(history, e => Assert.True(e.Duration > TimeSpan.Zero));
    }
}
