using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MiniTorch.Benchmarks.Runner;

/// <summary>
/// Measured FP32 peak: independent FMA chains in registers on 1 or all cores. <c>fma_peak_avx512</c> is the
/// baseline's loop (NaN where AVX-512 is absent, as the baseline reports it); <c>fma_peak_avx2</c> is this
/// runner's 256-bit counterpart, so the docs can state the peak of an AVX2-only machine.
/// </summary>
internal static class FmaPeak
{
    private const long Iterations = 40_000_000;

    /// <summary>The baseline's AVX-512 loop: 16 zmm accumulators, 512 flop per iteration.</summary>
    public static Stats Avx512(int threads, out double flopPerCall)
    {
        flopPerCall = threads * Iterations * 512.0;
        return Avx512F.IsSupported ? OnThreads(threads, static () => Avx512Kernel(Iterations)) : Stats.NotRun;
    }

    /// <summary>12 ymm accumulators, 192 flop per iteration: enough chains for 2 FMA pipes × 4-cycle latency (Zen 3: 8), without spilling.</summary>
    public static Stats Avx2(int threads, out double flopPerCall)
    {
        flopPerCall = threads * Iterations * 192.0;
        return Fma.IsSupported ? OnThreads(threads, static () => Avx2Kernel(Iterations)) : Stats.NotRun;
    }

    private static Stats OnThreads(int threads, Action kernel) => Timing.Time(() =>
    {
        var ts = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            ts[i] = new Thread(() => kernel());
            ts[i].Start();
        }
        foreach (var t in ts)
        {
            t.Join();
        }
    }, reps: 7, targetSec: 0.05, warmup: 1);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Avx2Kernel(long n)
    {
        var a = Vector256.Create(0.999f);
        var b = Vector256.Create(0.001f);
        Vector256<float> c0 = Vector256<float>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0,
                         c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < n; i++)
        {
            c0 = Fma.MultiplyAdd(c0, a, b); c1 = Fma.MultiplyAdd(c1, a, b);
            c2 = Fma.MultiplyAdd(c2, a, b); c3 = Fma.MultiplyAdd(c3, a, b);
            c4 = Fma.MultiplyAdd(c4, a, b); c5 = Fma.MultiplyAdd(c5, a, b);
            c6 = Fma.MultiplyAdd(c6, a, b); c7 = Fma.MultiplyAdd(c7, a, b);
            c8 = Fma.MultiplyAdd(c8, a, b); c9 = Fma.MultiplyAdd(c9, a, b);
            c10 = Fma.MultiplyAdd(c10, a, b); c11 = Fma.MultiplyAdd(c11, a, b);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Avx512Kernel(long n)
    {
        var a = Vector512.Create(0.999f);
        var b = Vector512.Create(0.001f);
        Vector512<float> c0 = Vector512<float>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0,
                         c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        for (long i = 0; i < n; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, a, b); c1 = Avx512F.FusedMultiplyAdd(c1, a, b);
            c2 = Avx512F.FusedMultiplyAdd(c2, a, b); c3 = Avx512F.FusedMultiplyAdd(c3, a, b);
            c4 = Avx512F.FusedMultiplyAdd(c4, a, b); c5 = Avx512F.FusedMultiplyAdd(c5, a, b);
            c6 = Avx512F.FusedMultiplyAdd(c6, a, b); c7 = Avx512F.FusedMultiplyAdd(c7, a, b);
            c8 = Avx512F.FusedMultiplyAdd(c8, a, b); c9 = Avx512F.FusedMultiplyAdd(c9, a, b);
            c10 = Avx512F.FusedMultiplyAdd(c10, a, b); c11 = Avx512F.FusedMultiplyAdd(c11, a, b);
            c12 = Avx512F.FusedMultiplyAdd(c12, a, b); c13 = Avx512F.FusedMultiplyAdd(c13, a, b);
            c14 = Avx512F.FusedMultiplyAdd(c14, a, b); c15 = Avx512F.FusedMultiplyAdd(c15, a, b);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15);
    }
}
