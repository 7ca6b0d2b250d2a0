using System.Diagnostics;
using System.Runtime.Intrinsics;
using MiniTorch.Kernels;
using Old = MiniTorch.Kernels.Old;

// Arguments: rounds, threads, shape filter (substring). Each round times old then new (order alternating per round),
// each for about 3·10⁷ flops; printed: the old min time, new min / old min, and the median over rounds of the
// paired ratio new/old (robust to load that drifts slower than a round).
// AB_CLOCK=cpu times by the calling thread's CPU time instead of the wall clock: on one thread, under load from other
// processes, that leaves out the time slices the thread spends descheduled (the wall clock on 2 threads is the default).
bool cpuClock = Environment.GetEnvironmentVariable("AB_CLOCK") == "cpu";
double Clock() => cpuClock ? AbClock.ThreadCpuSeconds() : Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
int rounds = args.Length > 0 ? int.Parse(args[0]) : 100;
int threads = args.Length > 1 ? int.Parse(args[1]) : 1;
string only = args.Length > 2 ? args[2] : "";
// AB_OLD_THREADS=1 runs the old version on one thread: with both refs the same, new/old is then the speedup of the split.
int oldThreads = int.TryParse(Environment.GetEnvironmentVariable("AB_OLD_THREADS"), out int t) ? t : threads;
var shapes = new (string Name, int M, int K, int N, bool ATransposed, bool BTransposed)[]
{
    ("n=64", 64, 64, 64, false, false),
    ("n=128", 128, 128, 128, false, false),
    ("n=256", 256, 256, 256, false, false),
    ("n=512", 512, 512, 512, false, false),
    ("n=1024", 1024, 1024, 1024, false, false),
    ("n=2048", 2048, 2048, 2048, false, false),
    ("n=1008 (not a power of two)", 1008, 1008, 1008, false, false),
    ("tf qkv x·Wᵀ [1024x128]·[128x384]", 1024, 128, 384, false, true),
    ("tf fc2 x·Wᵀ [1024x512]·[512x128]", 1024, 512, 128, false, true),
    ("tf fc1 x·Wᵀ [1024x128]·[128x512]", 1024, 128, 512, false, true),
    ("tf dX g·W [1024x384]·[384x128]", 1024, 384, 128, false, false),
    ("tf dW gᵀ·x [384x1024]ᵀ·[1024x128]", 384, 1024, 128, true, false),
    ("tf dW gᵀ·x [128x1024]ᵀ·[1024x512]", 128, 1024, 512, true, false),
    ("attn q·kᵀ [64x32]·[32x64]", 64, 32, 64, false, true),
    ("attn p·v [64x64]·[64x32]", 64, 64, 32, false, false),
    ("mlp b64 [64x784]·[784x256]", 64, 784, 256, false, true),
    ("mlp b256 [256x784]·[784x256]", 256, 784, 256, false, true),
    ("mlp b64 dW [256x64]ᵀ·[64x784]", 256, 64, 784, true, false),
    ("mlp b64 [64x256]·[256x10]", 64, 256, 10, false, true),
};
var random = new Random(1);
// The single-core FMA roof at the width the GEMM uses, measured in this process (independent chains in registers), so
// that each case's GF/s can be read as a share of what its threads could at most do.
double peak = FmaPeak(Clock);
Console.WriteLine($"threads={threads} rounds={rounds} Vector512={Vector512.IsHardwareAccelerated} FMA peak {peak:F0} GF/s per core");
foreach (var s in shapes)
{
    if (only.Length > 0 && !s.Name.Contains(only, StringComparison.Ordinal))
    {
        continue;
    }
    var aData = RandomArray(random, s.M * s.K);
    var bData = RandomArray(random, s.K * s.N);
    var a = s.ATransposed ? new StridedMatrix<float>(aData, 0, 1, s.M) : new StridedMatrix<float>(aData, 0, s.K, 1);
    var b = s.BTransposed ? new StridedMatrix<float>(bData, 0, 1, s.K) : new StridedMatrix<float>(bData, 0, s.N, 1);
    var cOld = new float[s.M * s.N];
    var cNew = new float[s.M * s.N];
    double flops = 2.0 * s.M * s.N * s.K;
    int reps = (int)Math.Clamp(3e7 / flops, 1, 20000);
    var variants = new Action[]
    {
        () => Old.Gemm.Multiply(s.M, s.N, s.K, a, b, cOld, 0, s.N, false, oldThreads),
        () => Gemm.Multiply(s.M, s.N, s.K, a, b, cNew, 0, s.N, false, threads),
    };
    // Warm up for 1 s each, long enough (even on a loaded machine) for tiered compilation to reach the optimised code
    // of both versions.
    foreach (var variant in variants)
    {
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalSeconds < 1)
        {
            variant();
        }
    }
    double[] best = [double.MaxValue, double.MaxValue];
    double[] times = new double[2];
    var ratios = new List<double>();
    for (int r = 0; r < rounds; r++)
    {
        for (int v = 0; v < 2; v++)
        {
            int which = r % 2 == 0 ? v : 1 - v;
            double start = Clock();
            for (int i = 0; i < reps; i++)
            {
                variants[which]();
            }
            times[which] = (Clock() - start) / reps;
            best[which] = Math.Min(best[which], times[which]);
        }
        ratios.Add(times[1] / times[0]);
    }
    ratios.Sort();
    double maxDifference = 0;
    for (int i = 0; i < cOld.Length; i++)
    {
        maxDifference = Math.Max(maxDifference, Math.Abs(cOld[i] - cNew[i]));
    }
    double newRate = flops / best[1] / 1e9;
    Console.WriteLine($"{s.Name,-36} old {best[0] * 1e6,8:F1} µs {flops / best[0] / 1e9,5:F0} GF/s | new {newRate,5:F0} GF/s {newRate / (peak * Math.Min(threads, Environment.ProcessorCount)) * 100,3:F0}% | new/old min {best[1] / best[0]:F3}, median paired {ratios[ratios.Count / 2]:F3} | max |Δ| {maxDifference:E1}");
}

static double FmaPeak(Func<double> clock)
{
    const long iterations = 20_000_000;
    double best = double.MaxValue;
    for (int r = 0; r < 7; r++)
    {
        double start = clock();
        float sink = Vector512.IsHardwareAccelerated ? Chains512(iterations) : Chains256(iterations);
        best = Math.Min(best, clock() - start);
        if (sink == 12345f)
        {
            Console.WriteLine(sink);
        }
    }
    int width = Vector512.IsHardwareAccelerated ? 16 : 8;
    return iterations * 12 * 2.0 * width / best / 1e9;
}

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
static float Chains512(long n)
{
    var a = Vector512.Create(0.999f);
    var b = Vector512.Create(0.001f);
    Vector512<float> c0 = default, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
    for (long i = 0; i < n; i++)
    {
        c0 = Vector512.FusedMultiplyAdd(c0, a, b); c1 = Vector512.FusedMultiplyAdd(c1, a, b); c2 = Vector512.FusedMultiplyAdd(c2, a, b);
        c3 = Vector512.FusedMultiplyAdd(c3, a, b); c4 = Vector512.FusedMultiplyAdd(c4, a, b); c5 = Vector512.FusedMultiplyAdd(c5, a, b);
        c6 = Vector512.FusedMultiplyAdd(c6, a, b); c7 = Vector512.FusedMultiplyAdd(c7, a, b); c8 = Vector512.FusedMultiplyAdd(c8, a, b);
        c9 = Vector512.FusedMultiplyAdd(c9, a, b); c10 = Vector512.FusedMultiplyAdd(c10, a, b); c11 = Vector512.FusedMultiplyAdd(c11, a, b);
    }
    return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
}

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
static float Chains256(long n)
{
    var a = Vector256.Create(0.999f);
    var b = Vector256.Create(0.001f);
    Vector256<float> c0 = default, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
    for (long i = 0; i < n; i++)
    {
        c0 = Vector256.FusedMultiplyAdd(c0, a, b); c1 = Vector256.FusedMultiplyAdd(c1, a, b); c2 = Vector256.FusedMultiplyAdd(c2, a, b);
        c3 = Vector256.FusedMultiplyAdd(c3, a, b); c4 = Vector256.FusedMultiplyAdd(c4, a, b); c5 = Vector256.FusedMultiplyAdd(c5, a, b);
        c6 = Vector256.FusedMultiplyAdd(c6, a, b); c7 = Vector256.FusedMultiplyAdd(c7, a, b); c8 = Vector256.FusedMultiplyAdd(c8, a, b);
        c9 = Vector256.FusedMultiplyAdd(c9, a, b); c10 = Vector256.FusedMultiplyAdd(c10, a, b); c11 = Vector256.FusedMultiplyAdd(c11, a, b);
    }
    return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
}

static float[] RandomArray(Random random, int length)
{
    var data = new float[length];
    for (int i = 0; i < length; i++)
    {
        data[i] = (float)random.NextDouble() - 0.5f;
    }
    return data;
}
