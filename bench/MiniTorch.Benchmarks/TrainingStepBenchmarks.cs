using BenchmarkDotNet.Attributes;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace MiniTorch.Benchmarks;

/// <summary>
/// One training step of libtorch-baseline's <c>mlp_adam_step</c>: Linear(784,256)-ReLU-Linear(256,256)-ReLU-
/// Linear(256,10), cross-entropy, Adam(lr 1e-3); zero grad, forward, backward, step on a fixed random batch.
/// </summary>
[MemoryDiagnoser]
public class MlpAdamStepBenchmarks
{
    private Sequential _model = null!;
    private Adam _optimizer = null!;
    private CrossEntropyLoss _loss = null!;
    private Tensor _x = null!;
    private Tensor _y = null!;

    [Params(64, 256)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var g = new Generator(0);
        _model = new Sequential(new Linear(784, 256, generator: g), new ReLU(), new Linear(256, 256, generator: g), new ReLU(), new Linear(256, 10, generator: g));
        _optimizer = new Adam(_model.Parameters(), lr: 1e-3);
        _loss = new CrossEntropyLoss();
        _x = Tensor.Randn([Batch, 784], generator: g);
        var labels = new float[Batch];
        for (int i = 0; i < Batch; i++)
        {
            labels[i] = g.NextInt(10);
        }
        _y = Tensor.FromArray(labels);
    }

    [Benchmark]
    public Tensor Step()
    {
        _optimizer.ZeroGrad();
        var loss = _loss.Call(_model.Call(_x), _y);
        loss.Backward();
        _optimizer.Step();
        return loss;
    }

    /// <summary>The same step inside a <see cref="TensorScope"/>: its tensors' memory is pooled and reused by the next step.</summary>
    [Benchmark]
    public double StepInScope()
    {
        using var scope = TensorScope.Enter();
        _optimizer.ZeroGrad();
        var loss = _loss.Call(_model.Call(_x), _y);
        loss.Backward();
        _optimizer.Step();
        return loss.Item();
    }
}

/// <summary>Conv2d(3→16, 3×3, padding 1) forward and backward on a batch of 32 RGB 32×32 images (im2col + matmul).</summary>
[MemoryDiagnoser]
public class Conv2dBenchmarks
{
    private Conv2d _conv = null!;
    private Tensor _x = null!;

    [GlobalSetup]
    public void Setup()
    {
        var g = new Generator(1);
        _conv = new Conv2d(3, 16, 3, padding: 1, generator: g);
        _x = Tensor.Randn([32, 3, 32, 32], generator: g, requiresGrad: true);
    }

    [Benchmark]
    public Tensor Forward() => _conv.Call(_x);

    [Benchmark]
    public Tensor ForwardBackward()
    {
        _conv.ZeroGrad();
        _x.Grad = null;
        var y = _conv.Call(_x);
        y.Sum().Backward();
        return y;
    }
}
