using MiniTorch.NN;
using MiniTorch.Optim;

namespace MiniTorch.Benchmarks.Runner;

/// <summary>
/// The baseline's <c>mlp_adam_step</c>: Linear(784,256)-ReLU-Linear(256,256)-ReLU-Linear(256,10), cross-entropy,
/// Adam(lr 1e-3); one step = zero grad, forward, backward, step on a fixed random batch. Like the baseline's step
/// (inside <c>torch.NewDisposeScope()</c>), each step runs in a <see cref="TensorScope"/>, so its tensors' memory goes
/// back to the pool at the end of the step instead of waiting for the GC; <c>useScope: false</c> is the same loop as a
/// PyTorch user writes it, every buffer left to the GC (<c>mlp_adam_step_noscope</c>, issue #18, and
/// <see cref="MlpAdamStepBenchmarks"/>).
/// </summary>
internal sealed class MlpCase
{
    private readonly Sequential _model;
    private readonly Adam _optimizer;
    private readonly CrossEntropyLoss _loss = new();
    private readonly Tensor _x;
    private readonly Tensor _y;
    private readonly bool _useScope;

    public MlpCase(int batch, bool useScope = true)
    {
        _useScope = useScope;
        var g = new Generator(0);
        _model = new Sequential(
            new Linear(784, 256, generator: g), new Relu(),
            new Linear(256, 256, generator: g), new Relu(),
            new Linear(256, 10, generator: g));
        _optimizer = new Adam(_model.Parameters(), lr: 1e-3);
        _x = Tensor.Randn([batch, 784], generator: g);
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
