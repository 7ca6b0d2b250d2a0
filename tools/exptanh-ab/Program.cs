using System.Diagnostics;
using System.Runtime.Intrinsics;
using MiniTorch.Kernels;
using Old = MiniTorch.Kernels.Old;

// Arguments: rounds, case filter (substring). Each round times old then new (order alternating per round), each for
// about 20 ms of work; printed: the old min time, new min / old min, the median over rounds of the paired ratio new/old
// (robust to load that drifts slower than a round), and how many outputs differ and by how many ulp at most.
if (args.Length > 0 && args[0] == "ulp")
{
    MiniTorch.ExptanhAb.UlpSweep.Run(args.Length > 1 ? args[1] : "");
    return;
}
if (args.Length > 0 && args[0] == "bits")
{
    MiniTorch.ExptanhAb.BitsCompare.Run(args.Length > 1 ? args[1] : "");
    return;
}
int rounds = args.Length > 0 ? int.Parse(args[0]) : 50;
string only = args.Length > 1 ? args[1] : "";
Console.WriteLine($"clock={(AbClock.ThreadCpuRequested ? "thread CPU time (1-thread cases)" : "wall")} rounds={rounds} Vector512={Vector512.IsHardwareAccelerated} threads={ParallelElementwise.MaxThreads}");

var random = new Random(1);
const int Large = 4 << 20;
var normal = Normal(random, Large);
var wide = new float[4096];
for (int i = 0; i < wide.Length; i++)
{
    wide[i] = (float)(random.NextDouble() * 240 - 120);
}
var cases = new (string Name, float[] X, int N, bool Parallel, Kernel Old, Kernel New)[]
{
    ("exp 4K in cache, 1 thread", normal, 4096, false, Old.Float32Math.Exp, Float32Math.Exp),
    ("exp 4K wide [-120,120], 1 thread", wide, 4096, false, Old.Float32Math.Exp, Float32Math.Exp),
    ("tanh 4K in cache, 1 thread", normal, 4096, false, Old.Float32Math.Tanh, Float32Math.Tanh),
    ("tanh 4K wide [-120,120], 1 thread", wide, 4096, false, Old.Float32Math.Tanh, Float32Math.Tanh),
    ("tanh 4K two-path vs new", normal, 4096, false, MiniTorch.ExptanhAb.Variants.TanhTwoPath, Float32Math.Tanh),
    ("tanh 4M two-path vs new, ParallelElementwise", normal, Large, true, MiniTorch.ExptanhAb.Variants.TanhTwoPath, Float32Math.Tanh),
    ("x*2(old) vs exp(new) 4M, 1 thread", normal, Large, false, (a, b) => System.Numerics.Tensors.TensorPrimitives.Multiply(a, 2f, b), Float32Math.Exp),
    ("exp 4M, 1 thread", normal, Large, false, Old.Float32Math.Exp, Float32Math.Exp),
    ("tanh 4M, 1 thread", normal, Large, false, Old.Float32Math.Tanh, Float32Math.Tanh),
    ("exp 4M, ParallelElementwise", normal, Large, true, Old.Float32Math.Exp, Float32Math.Exp),
    ("tanh 4M, ParallelElementwise", normal, Large, true, Old.Float32Math.Tanh, Float32Math.Tanh),
};
foreach (var c in cases)
{
    if (only.Length > 0 && !c.Name.Contains(only, StringComparison.Ordinal))
    {
        continue;
    }
    var yOld = new float[c.N];
    unsafe
    {
        fixed (float* px = x0(c.X), py = yOld)
        {
            if (c.N == Large) Console.WriteLine($"  x address mod 64 = {(nuint)px % 64}, y mod 64 = {(nuint)py % 64}");
        }
    }
    var yNew = new float[c.N];
    var x = c.X;
    int n = c.N;
    Action runOld = c.Parallel
        ? () => ParallelElementwise.For(n, new Body(x, yOld, c.Old))
        : () => c.Old(x.AsSpan(0, n), yOld);
    Action runNew = c.Parallel
        ? () => ParallelElementwise.For(n, new Body(x, yNew, c.New))
        : () => c.New(x.AsSpan(0, n), yNew);
    var variants = new[] { runOld, runNew };
    int reps = Math.Max(1, (int)(5e6 / n));
    // Warm up long enough (even on a loaded machine) for tiered compilation to reach the optimised code of both.
    foreach (var variant in variants)
    {
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalSeconds < 0.7)
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
            double begin = AbClock.Now(AbClock.ThreadCpuRequested && !c.Parallel);
            for (int i = 0; i < reps; i++)
            {
                variants[which]();
            }
            times[which] = (AbClock.Now(AbClock.ThreadCpuRequested && !c.Parallel) - begin) / reps;
            best[which] = Math.Min(best[which], times[which]);
        }
        ratios.Add(times[1] / times[0]);
    }
    ratios.Sort();
    int differing = 0;
    long worstUlp = 0;
    for (int i = 0; i < n; i++)
    {
        long d = Math.Abs((long)BitConverter.SingleToInt32Bits(yOld[i]) - BitConverter.SingleToInt32Bits(yNew[i]));
        if (d != 0)
        {
            differing++;
            worstUlp = Math.Max(worstUlp, d);
        }
    }
    Console.WriteLine($"{c.Name,-36} old {best[0] * 1e6,9:F1} µs ({best[0] * 1e9 / n:F3} ns/elt) | new/old min {best[1] / best[0]:F3}, " +
        $"median paired {ratios[ratios.Count / 2]:F3} | {differing} differ, ≤ {worstUlp} ulp");
}

static float[] x0(float[] a) => a;

static float[] Normal(Random random, int length)
{
    var data = new float[length];
    for (int i = 0; i < length; i++)
    {
        data[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
    }
    return data;
}

internal delegate void Kernel(ReadOnlySpan<float> x, Span<float> y);

internal readonly struct Body(float[] x, float[] y, Kernel kernel) : IChunkBody
{
    public void Run(int start, int length) => kernel(x.AsSpan(start, length), y.AsSpan(start, length));
}
