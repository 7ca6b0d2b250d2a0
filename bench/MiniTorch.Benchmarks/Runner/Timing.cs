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
/// an inner loop long enough for <c>targetSec</c> per repetition, then median/min/max of the per-call time. One
/// addition, because libtorch's kernels are native and ours are jitted: after the warm-up calls the body keeps running
/// until the JIT has compiled nothing for <see cref="JitQuietSeconds"/>, so that both sides are timed in their steady
/// state. Without it a case timed in the first seconds of its code paths shares the second core with the runtime's
/// tier-1 compiler thread (1–2 s of CPU for the transformer step's methods in a fresh process) and runs its parallel
/// kernels on one core: the transformer step alone measured 32–40 ms median that way, 17.5–19 ms settled (16–17 ms
/// with TieredCompilation=0, libtorch 18 ms); docs/benchmarks.md has the figures.
/// </summary>
internal static class Timing
{
    /// <summary>How long the JIT must stay idle before timing starts.</summary>
    public const double JitQuietSeconds = 0.5;

    /// <summary>The most a case waits for the JIT to settle.</summary>
    public const double MaxSettleSeconds = 20;

    /// <summary>
    /// Times <paramref name="body"/>; <paramref name="settleJit"/>: first run it until the JIT is quiet (stateful bodies,
    /// such as a training step, settle on a throwaway copy instead and pass false).
    /// </summary>
    public static Stats Time(Action body, int reps = 7, double targetSec = 0.25, int warmup = 3, bool settleJit = true)
    {
        for (int i = 0; i < warmup; i++)
        {
            body();
        }
        if (settleJit)
        {
            SettleJit(body);
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

    /// <summary>Runs <paramref name="body"/> until no method has been compiled for <see cref="JitQuietSeconds"/>.</summary>
    public static void SettleJit(Action body)
    {
        var total = Stopwatch.StartNew();
        var quiet = Stopwatch.StartNew();
        long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (quiet.Elapsed.TotalSeconds < JitQuietSeconds && total.Elapsed.TotalSeconds < MaxSettleSeconds)
        {
            body();
            long now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                compiled = now;
                quiet.Restart();
            }
        }
    }
}
