using BenchmarkDotNet.Attributes;

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
    public const int ChainLength = 1000;

    [Params(1, 16, 1024)]
    public int Size { get; set; }

    [Benchmark(OperationsPerInvoke = ChainLength)]
    public Tensor ForwardOnly() => Forward(Size);

    [Benchmark(OperationsPerInvoke = ChainLength)]
    public Tensor ForwardBackward()
    {
        var x = Forward(Size);
        x.Sum().Backward();
        return x;
    }

    private static Tensor Forward(int size)
    {
        var x = Tensor.Ones([size], requiresGrad: true);
        for (int i = 0; i < ChainLength; i++)
        {
            x = (i % 3) switch
            {
                0 => x * 1.0001,
                1 => x + 0.001,
                _ => x.Tanh(),
            };
        }
        return x;
    }
}
