using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace MiniTorch.Benchmarks;

/// <summary>
/// Square float32 matmul, a fresh output each call: libtorch-baseline's <c>sgemm</c> (2 threads there, all
/// cores here, which is 2 on the reference machine). 512 is the headline size; 64–256 show where the
/// per-call and threading overheads stop dominating.
/// </summary>
[Config(typeof(Columns))]
[MemoryDiagnoser]
public class MatmulBenchmarks
{
    private Tensor _a = null!;
    private Tensor _b = null!;

    [Params(64, 128, 256, 512)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var generator = new Generator(0);
        _a = Tensor.Randn([N, N], generator: generator);
        _b = Tensor.Randn([N, N], generator: generator);
    }

    [Benchmark]
    public Tensor Matmul() => Tensor.Matmul(_a, _b);

    /// <summary>GFLOP/s = 2n³ / t, the baseline's definition.</summary>
    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(new ThroughputColumn("GFLOP/s", 1e9, c =>
        {
            double n = Convert.ToDouble(c.Parameters[nameof(N)], System.Globalization.CultureInfo.InvariantCulture);
            return 2 * n * n * n;
        }));
    }
}
