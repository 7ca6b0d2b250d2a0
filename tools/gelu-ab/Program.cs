using System.Diagnostics;
using System.Runtime.Intrinsics;
using MiniTorch.Kernels;
using Old = MiniTorch.Kernels.Old;

// Arguments: rounds (or "ulp"), case filter. Each round times old then new (order alternating), ~20 ms of work each;
// printed: old min, new min / old min, median of the paired ratios new/old, and how many outputs differ.
if (args.Length > 0 && args[0] == "ulp")
{
    MiniTorch.GeluAb.Sweep.Run();
    return;
}
int rounds = args.Length > 0 ? int.Parse(args[0]) : 40;
string only = args.Length > 1 ? args[1] : "";
Console.WriteLine($"rounds={rounds} Vector512={Vector512.IsHardwareAccelerated}");
var random = new Random(1);
// GELU's input in the benchmark block: fc1 of a LayerNorm output, about N(0, 0.58²); and a wider N(0, 2²).
float[] Normal(int n, double sigma)
{
    var d = new float[n];
    for (int i = 0; i < n; i++)
    {
        d[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
    }
    return d;
}
const int N = 16 * 64 * 512 / 2; // one thread's half of the block's [16,64,512] GELU
var narrow = Normal(N, 0.58);
var wide = Normal(N, 2.0);
var cases = new (string Name, float[] X, Action<float[], float[], float[]> Old, Action<float[], float[], float[]> New)[]
{
    ("gelu fwd N(0,0.58²) 256K", narrow, (x, y, s) => Old.GeluKernel.Forward<float>(x, y, s), (x, y, s) => GeluKernel.Forward<float>(x, y, s)),
    ("gelu fwd N(0,2²) 256K", wide, (x, y, s) => Old.GeluKernel.Forward<float>(x, y, s), (x, y, s) => GeluKernel.Forward<float>(x, y, s)),
    ("erf f32 N(0,0.41²) 256K", narrow, (x, y, s) => Old.ErfVector.Erf(x, y), (x, y, s) => ErfVector.Erf(x, y)),
    ("gelu bwd N(0,0.58²) 256K", narrow, (x, y, s) => Old.GeluKernel.Backward<float>(x, x, s, y), (x, y, s) => GeluKernel.Backward<float>(x, x, s, y)),
    // LayerNorm over [1024 rows, 128] (the block's [16,64,128]), weight and bias from the data; stats in s.
    ("layernorm fwd 1024x128", narrow, (x, y, s) => Old.LayerNormKernel.Forward<float>(x, 0, x, 0, x, 128, y, s, 0, 1024, 128, 1e-5),
        (x, y, s) => LayerNormKernel.Forward<float>(x, 0, x, 0, x, 128, y, s, 0, 1024, 128, 1e-5)),
    ("layernorm bwd 1024x128", narrow, (x, y, s) => Old.LayerNormKernel.Backward<float>(x, 256, x, 0, x, 0, Stats, 0, y, GxHat[0], 1024, 128),
        (x, y, s) => LayerNormKernel.Backward<float>(x, 256, x, 0, x, 0, Stats, 0, y, GxHat[1], 1024, 128)),
};
LayerNormKernel.Forward<float>(narrow, 0, narrow, 0, narrow, 128, new float[N], Stats, 0, 1024, 128, 1e-5);
foreach (var c in cases)
{
    if (only.Length > 0 && !c.Name.Contains(only, StringComparison.Ordinal))
    {
        continue;
    }
    var ys = new[] { new float[N], new float[N] };
    var ss = new[] { new float[N], new float[N] };
    GeluKernel.Forward<float>(c.X, new float[N], ss[0]);
    ss[0].CopyTo(ss[1], 0);
    Action[] variants = [() => c.Old(c.X, ys[0], ss[0]), () => c.New(c.X, ys[1], ss[1])];
    foreach (var v in variants)
    {
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 0.7)
        {
            v();
        }
    }
    int reps = 8;
    double[] best = [double.MaxValue, double.MaxValue];
    double[] t = new double[2];
    var ratios = new List<double>();
    for (int r = 0; r < rounds; r++)
    {
        for (int k = 0; k < 2; k++)
        {
            int which = r % 2 == 0 ? k : 1 - k;
            long begin = Stopwatch.GetTimestamp();
            for (int i = 0; i < reps; i++)
            {
                variants[which]();
            }
            t[which] = Stopwatch.GetElapsedTime(begin).TotalSeconds / reps;
            best[which] = Math.Min(best[which], t[which]);
        }
        ratios.Add(t[1] / t[0]);
    }
    ratios.Sort();
    int differ = 0;
    for (int i = 0; i < N; i++)
    {
        differ += BitConverter.SingleToInt32Bits(ys[0][i]) != BitConverter.SingleToInt32Bits(ys[1][i]) ? 1 : 0;
        differ += BitConverter.SingleToInt32Bits(ss[0][i]) != BitConverter.SingleToInt32Bits(ss[1][i]) ? 1 : 0;
    }
    Console.WriteLine($"{c.Name,-28} old {best[0] * 1e6,8:F1} µs ({best[0] * 1e9 / N:F3} ns/elt) | new/old min {best[1] / best[0]:F3}, median paired {ratios[ratios.Count / 2]:F3} | {differ} outputs differ");
}

internal static partial class Program
{
    public static readonly float[] Stats = new float[2048];
    public static readonly float[][] GxHat = [new float[1024 * 128], new float[1024 * 128]];
}
