using BenchmarkDotNet.Attributes;
using MiniTorch.Benchmarks.Runner;
using MiniTorch.NN;

namespace MiniTorch.Benchmarks;

/// <summary>
/// One training step of libtorch-baseline's <c>mlp_adam_step</c>: Linear(784,256)-ReLU-Linear(256,256)-ReLU-
/// Linear(256,10), cross-entropy, Adam(lr 1e-3); zero grad, forward, backward, step on a fixed random batch.
/// </summary>
[MemoryDiagnoser]
public class MlpAdamStepBenchmarks
{
    private MlpCase _plain = null!;
    private MlpCase _scoped = null!;

    [Params(64, 256)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _plain = new MlpCase(Batch, useScope: false);
        _scoped = new MlpCase(Batch);
    }

    /// <summary>The step with every buffer left to the GC.</summary>
    [Benchmark]
    public double Step()
    {
        _plain.Step();
        return _plain.LastLoss;
    }

    /// <summary>The same step inside a <see cref="TensorScope"/>: its tensors' memory is pooled and reused by the next step.</summary>
    [Benchmark]
    public double StepInScope()
    {
        _scoped.Step();
        return _scoped.LastLoss;
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
