using System.Diagnostics;

namespace MiniTorch.Benchmarks.Runner;

/// <summary>Per-call seconds over the repetitions of one case: median, min and max, plus the loop shape.</summary>
internal sealed record Stats(double Med, double Min, double Max, int Reps, int Inner)
{
    /// <summary>A case not run on this machine (e.g. AVX-512 absent): NaN times, as the baseline writes them.</summary>
    public static Stats NotRun { get; } = new(double.NaN, double.NaN, double.NaN, 0, 0);

    /// <summary>The same statistics divided by <paramref name="n"/> (per step or per op).</summary>
    public Stats Per(double n) => this with { Med = Med / n, Min = Min / n, Max = Max / n };
}

/// <summary>
/// The baseline tool's timing method, copied so both sides measure alike: warm-up calls, one calibration call,
/// an inner loop long enough for <c>targetSec</c> per repetition, then median/min/max of the per-call time.
/// </summary>
internal static class Timing
{
    public static Stats Time(Action body, int reps = 7, double targetSec = 0.25, int warmup = 3)
    {
        for (int i = 0; i < warmup; i++)
        {
            body();
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var sw = Stopwatch.StartNew();
        body();
        int inner = (int)Math.Clamp(Math.Ceiling(targetSec / Math.Max(sw.Elapsed.TotalSeconds, 1e-7)), 1, 1_000_000);
        var s = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            sw.Restart();
            for (int i = 0; i < inner; i++)
            {
                body();
            }
            s[r] = sw.Elapsed.TotalSeconds / inner;
        }
        Array.Sort(s);
        return new Stats(s[reps / 2], s[0], s[^1], reps, inner);
    }
}
