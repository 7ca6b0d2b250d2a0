using System.Diagnostics;
using System.Numerics.Tensors;
using MiniTorch.Kernels;

namespace MiniTorch.ElementwiseAb;

/// <summary>
/// Whether x*y on 4M floats depends on where its arrays sit: x, y and the output are slices of pinned arrays at chosen
/// offsets, so the output's distance from the inputs modulo 4 KiB (4K aliasing: a load whose address matches a pending
/// store's in bits 11..0 waits for it) and each array's cache-line alignment can be varied in one process, interleaved.
/// </summary>
internal static class Placement
{
    private const int N = 4 << 20;

    public static void Run(int rounds, bool parallel)
    {
        var xs = GC.AllocateUninitializedArray<float>(N + 4096, pinned: true);
        var ys = GC.AllocateUninitializedArray<float>(N + 4096, pinned: true);
        var ds = GC.AllocateUninitializedArray<float>(N + 4096, pinned: true);
        var random = new Random(0);
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = (float)random.NextDouble();
            ys[i] = (float)random.NextDouble();
            ds[i] = 0;
        }
        int baseX = AlignedOffset(xs), baseY = AlignedOffset(ys), baseD = AlignedOffset(ds);
        // (x offset, y offset, d offset) in floats from a 4 KiB-aligned start of each array.
        var configs = new List<(int X, int Y, int D)>();
        foreach (int d in new[] { 0, 16, 32, 64, 128, 256, 512, 768, 1000, 1008, 1016, 1020 })
        {
            configs.Add((0, 512, d));
        }
        configs.Add((6, 518, 0));
        configs.Add((2, 514, 2));
        configs.Add((0, 0, 0));
        configs.Add((0, 0, 512));
        var best = new double[configs.Count];
        Array.Fill(best, double.MaxValue);
        for (int r = 0; r < rounds; r++)
        {
            for (int c = 0; c < configs.Count; c++)
            {
                var (ox, oy, od) = configs[c];
                int x0 = baseX + ox, y0 = baseY + oy, d0 = baseD + od;
                void Once()
                {
                    if (parallel)
                    {
                        ParallelElementwise.For(N, new BinaryChunk<float, MulOp>(xs, x0, false, ys, y0, false, ds, d0, default));
                    }
                    else
                    {
                        TensorPrimitives.Multiply(xs.AsSpan(x0, N), ys.AsSpan(y0, N), ds.AsSpan(d0, N));
                    }
                }
                Once();
                var sw = Stopwatch.StartNew();
                const int Reps = 5;
                for (int i = 0; i < Reps; i++)
                {
                    Once();
                }
                best[c] = Math.Min(best[c], sw.Elapsed.TotalSeconds / Reps);
            }
        }
        Console.WriteLine($"x*y, 4M floats, {(parallel ? "ParallelElementwise" : "1 thread")}, min of {rounds} rounds of 5 calls; offsets in bytes mod 4096");
        for (int c = 0; c < configs.Count; c++)
        {
            var (ox, oy, od) = configs[c];
            Console.WriteLine($"  x {ox * 4,5}  y {oy * 4,5}  d {od * 4,5}  (d − x) mod 4096 = {((od - ox) * 4 % 4096 + 4096) % 4096,5}: {best[c] * 1e3:F3} ms");
        }
    }

    private static unsafe int AlignedOffset(float[] a)
    {
        fixed (float* p = a)
        {
            return (int)((4096 - (nuint)p % 4096) % 4096 / sizeof(float));
        }
    }
}
