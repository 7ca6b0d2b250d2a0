using MiniTorch.NN;
using MiniTorch.Optim;

namespace MiniTorch.Benchmarks.Runner;

/// <summary>
/// The baseline's <c>cnn_sgd_step</c>: Conv2d(3,32,3,padding=1)-ReLU-MaxPool2d(2)-Conv2d(32,64,3,padding=1)-ReLU-
/// MaxPool2d(2)-Flatten-Linear(4096,10) on a fixed random [batch,3,32,32] batch with random labels, cross-entropy,
/// SGD(lr 0.01, momentum 0.9); one step = zero grad, forward, backward, step. Each step runs in a
/// <see cref="TensorScope"/> (the baseline's <c>torch.NewDisposeScope()</c>); <c>useScope: false</c> is the same loop
/// as a PyTorch user writes it, every buffer left to the GC (<c>cnn_sgd_step_noscope</c>, issue #18).
/// </summary>
internal sealed class CnnCase
{
    private readonly Sequential _model;
    private readonly Sgd _optimizer;
    private readonly CrossEntropyLoss _loss = new();
    private readonly Tensor _x;
    private readonly Tensor _y;
    private readonly bool _useScope;

    public CnnCase(int batch, bool useScope = true)
    {
        _useScope = useScope;
        var g = new Generator(0);
        _model = new Sequential(
            new Conv2d(3, 32, 3, padding: 1, generator: g), new Relu(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, padding: 1, generator: g), new Relu(), new MaxPool2d(2),
            new Flatten(), new Linear(64 * 8 * 8, 10, generator: g));
        _optimizer = new Sgd(_model.Parameters(), lr: 0.01, momentum: 0.9);
        _x = Tensor.Randn([batch, 3, 32, 32], generator: g);
        _y = BenchData.RandomLabels(batch, 10, g);
    }

    /// <summary>The loss of the last step (read inside its scope).</summary>
    public double LastLoss { get; private set; }

    public void Step()
    {
        using var scope = _useScope ? TensorScope.Enter() : null;
        _optimizer.ZeroGrad();
        var loss = _loss.Call(_model.Call(_x), _y);
        loss.Backward();
        _optimizer.Step();
        LastLoss = loss.Item();
    }
}
