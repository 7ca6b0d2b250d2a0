using System.Diagnostics;
using MiniTorch.Kernels;

namespace MiniTorch.ElementwiseAb;

/// <summary>
/// Old against new kernel on the bench's shapes, interleaved: each round times old then new (order alternating), about
/// 20 ms of calls each; prints the old min, new/old of the mins and the median over rounds of the paired ratio.
/// </summary>
internal static class Ab
{
    public static void Run(string kernel, int rounds, int threads, int outer = 64)
    {
        Parallelism.MaxThreads = threads;
        var random = new Random(0);
        int Outer = outer;
        const int Rows = 512, Inner = 256;
        var x = new float[Outer * Rows * Inner];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
        float[] yOld, yNew;
        Action runOld, runNew;
        if (kernel == "softmax")
        {
            yOld = new float[x.Length];
            yNew = new float[x.Length];
            runOld = () => MiniTorch.Kernels.Old.SoftmaxKernel<float>.Run(x, 0, yOld, Outer * Rows, Inner);
            runNew = () => SoftmaxKernel<float>.Run(x, 0, yNew, Outer * Rows, Inner);
        }
        else
        {
            yOld = new float[Outer * Inner];
            yNew = new float[Outer * Inner];
            runOld = () => MiniTorch.Kernels.Old.RowCascadeSum.Sum(x, 0, yOld, 0, Outer, Rows, Inner);
            runNew = () => RowCascadeSum.Sum(x, 0, yNew, 0, Outer, Rows, Inner);
        }
        var variants = new[] { runOld, runNew };
        foreach (var v in variants)
        {
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 0.7)
            {
                v();
            }
        }
        int reps = (kernel == "softmax" ? 4 : 20) * Math.Max(1, 64 / Outer);
        double[] best = [double.MaxValue, double.MaxValue];
        var times = new double[2];
        var ratios = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            for (int k = 0; k < 2; k++)
            {
                int which = r % 2 == 0 ? k : 1 - k;
                double begin = AbClock.Now(threads == 1);
                for (int i = 0; i < reps; i++)
                {
                    variants[which]();
                }
                times[which] = (AbClock.Now(threads == 1) - begin) / reps;
                best[which] = Math.Min(best[which], times[which]);
            }
            ratios.Add(times[1] / times[0]);
        }
        ratios.Sort();
        int differ = 0;
        for (int i = 0; i < yOld.Length; i++)
        {
            differ += BitConverter.SingleToInt32Bits(yOld[i]) != BitConverter.SingleToInt32Bits(yNew[i]) ? 1 : 0;
        }
        Console.WriteLine($"{kernel} [{Outer},512,256], {threads} thread(s), {rounds} rounds × {reps}: old min {best[0] * 1e3:F3} ms | new/old min {best[1] / best[0]:F3}, " +
            $"median paired {ratios[ratios.Count / 2]:F3} (quartiles {ratios[ratios.Count / 4]:F3}–{ratios[3 * ratios.Count / 4]:F3}) | {differ} outputs differ");
    }
}
