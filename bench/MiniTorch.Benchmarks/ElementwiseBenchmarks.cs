using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace MiniTorch.Benchmarks;

/// <summary>
/// Large elementwise ops on 4,194,304 float32 (16 MiB per tensor), forward only, a fresh output each call:
/// libtorch-baseline's <c>elementwise_4M</c>. GB/s counts the inputs plus the output, as the baseline does.
/// Three 16 MiB tensors straddle the L3 of the reference machine, so the binary ops are noisy on both sides.
/// </summary>
[Config(typeof(Columns))]
[MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    public const int Length = 4 << 20;

    private Tensor _x = null!;
    private Tensor _y = null!;

    [GlobalSetup]
    public void Setup()
    {
        var generator = new Generator(0);
        _x = Tensor.Randn([Length], generator: generator);
        _y = Tensor.Randn([Length], generator: generator);
    }

    [Benchmark]
    public Tensor Exp() => _x.Exp();

    [Benchmark]
    public Tensor Tanh() => _x.Tanh();

    [Benchmark]
    public Tensor Mul() => _x * _y;

    [Benchmark]
    public Tensor Add() => _x + _y;

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(new ThroughputColumn("GB/s", 1e9, c =>
        {
            // Unary ops read one tensor and write one; binary ops read two.
            int tensors = c.Descriptor.WorkloadMethod.Name is nameof(Exp) or nameof(Tanh) ? 2 : 3;
            return tensors * sizeof(float) * (double)Length;
        }));
    }
}
