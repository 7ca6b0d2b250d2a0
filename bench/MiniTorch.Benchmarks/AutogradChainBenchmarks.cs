using BenchmarkDotNet.Attributes;
using MiniTorch.Benchmarks.Runner;

namespace MiniTorch.Benchmarks;

/// <summary>
/// Per-op overhead of graph recording and backward: libtorch-baseline's <c>autograd_chain</c>. From a leaf of
/// ones requiring grad, 1000 ops cycle x·1.0001, x+0.001, tanh(x); forward only, or forward then
/// Sum().Backward(). The time shown is per op (total / 1000), as the baseline reports it. At [1] and [16] the
/// arithmetic is negligible, so the figure is the cost of dispatch, allocation and graph bookkeeping.
/// </summary>
[MemoryDiagnoser]
public class AutogradChainBenchmarks
{
    private const int ChainLength = Workloads.ChainLength;

    [Params(1, 16, 1024)]
    public int Size { get; set; }

    [Benchmark(OperationsPerInvoke = ChainLength)]
    public Tensor ForwardOnly() => Workloads.ChainForward(Size);

    [Benchmark(OperationsPerInvoke = ChainLength)]
    public Tensor ForwardBackward()
    {
        var x = Workloads.ChainForward(Size);
        x.Sum().Backward();
        return x;
    }
}
