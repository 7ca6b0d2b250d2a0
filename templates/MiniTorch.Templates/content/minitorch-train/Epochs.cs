using MiniTorch;
using MiniTorch.Data;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace MiniTorchTrain;

/// <summary>One epoch of training, and an evaluation pass.</summary>
public static class Epochs
{
    /// <summary>One pass over <paramref name="loader"/> in training mode; returns the mean loss and the accuracy seen on the way.</summary>
    public static (double Loss, double Accuracy) Train(Module model, Optimizer optimizer, DataLoader<Tensor[]> loader, CrossEntropyLoss lossFunction)
    {
        model.Train();
        double lossSum = 0, correct = 0;
        int seen = 0;
        foreach (var (features, labels) in loader)
        {
            // The step's tensors are freed when the scope ends, so the next step reuses their memory.
            using var step = TensorScope.Enter();
            optimizer.ZeroGrad();
            var logits = model.Call(features);
            var loss = lossFunction.Call(logits, labels.To(DType.Int64));
            loss.Backward();
            optimizer.Step();
            int n = labels.Size(0);
            lossSum += loss.Item() * n;
            correct += CountCorrect(logits, labels);
            seen += n;
        }
        return (lossSum / seen, correct / seen);
    }

    /// <summary>The mean loss and the accuracy of <paramref name="model"/> on <paramref name="data"/>, in evaluation mode, recording no graph.</summary>
    public static (double Loss, double Accuracy) Evaluate(Module model, Dataset<Tensor[]> data, CrossEntropyLoss lossFunction)
    {
        model.Eval();
        double lossSum = 0, correct = 0;
        using (Autograd.NoGrad())
        {
            foreach (var (features, labels) in new DataLoader<Tensor[]>(data, batchSize: 256))
            {
                using var batch = TensorScope.Enter();
                var logits = model.Call(features);
                lossSum += lossFunction.Call(logits, labels.To(DType.Int64)).Item() * labels.Size(0);
                correct += CountCorrect(logits, labels);
            }
        }
        return (lossSum / data.Count, correct / data.Count);
    }

    private static double CountCorrect(Tensor logits, Tensor labels)
    {
        using (Autograd.NoGrad())
        {
            return logits.ArgMax(1).To(labels.DType).Eq(labels).Sum().Item();
        }
    }
}
