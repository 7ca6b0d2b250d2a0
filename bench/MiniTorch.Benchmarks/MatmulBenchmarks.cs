using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace MiniTorch.Benchmarks;

/// <summary>
/// Square float32 matmul, a fresh output each call: libtorch-baseline's <c>sgemm</c> (2 threads there, all
/// cores here, which is 2 on the reference machine). 512 is the headline size; 64–256 show where the
/// per-call and threading overheads stop dominating, 1024–2048 where the cache blocking has to hold.
/// </summary>
[Config(typeof(Columns))]
[MemoryDiagnoser]
public class MatmulBenchmarks
{
    private Tensor _a = null!;
    private Tensor _b = null!;

    [Params(64, 128, 256, 512, 1024, 2048)]
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
    internal sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(new ThroughputColumn("GFLOP/s", 1e9, c =>
        {
            double n = Convert.ToDouble(c.Parameters[nameof(N)], System.Globalization.CultureInfo.InvariantCulture);
            return 2 * n * n * n;
        }));
    }
}

/// <summary>
/// The same products on one thread (<see cref="Parallelism.MaxThreads"/> = 1): libtorch-baseline's
/// <c>sgemm n=512, 1 thr</c> and <c>n=1024, 1 thr</c>, which measure the kernel without the split.
/// </summary>
[Config(typeof(MatmulBenchmarks.Columns))]
[MemoryDiagnoser]
public class MatmulOneThreadBenchmarks
{
    private Tensor _a = null!;
    private Tensor _b = null!;
    private int _savedThreads;

    [Params(512, 1024)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var generator = new Generator(0);
        _a = Tensor.Randn([N, N], generator: generator);
        _b = Tensor.Randn([N, N], generator: generator);
        _savedThreads = Parallelism.MaxThreads;
        Parallelism.MaxThreads = 1;
    }

    [GlobalCleanup]
    public void Cleanup() => Parallelism.MaxThreads = _savedThreads;

    [Benchmark]
    public Tensor Matmul() => Tensor.Matmul(_a, _b);
}
