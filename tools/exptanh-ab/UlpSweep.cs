using MiniTorch.Kernels;

namespace MiniTorch.ExptanhAb;

/// <summary>Worst ulp of tanh variants over every float in [2⁻²⁰, 9.1] (and exp over a strided sweep).</summary>
internal static class UlpSweep
{
    private delegate void Kernel(ReadOnlySpan<float> x, Span<float> y);

    public static void Run(string only)
    {
        var kernels = new (string Name, Kernel K, Func<double, double> Ref, uint From, uint To, uint Stride)[]
        {
            ("tanh new", Float32Math.Tanh, Math.Tanh, 0x33000000u, 0x4111999Au, 1),
            ("tanh old", MiniTorch.Kernels.Old.Float32Math.Tanh, Math.Tanh, 0x33000000u, 0x4111999Au, 1),
            ("tanh two-path", Variants.TanhTwoPath, Math.Tanh, 0x35800000u, 0x4111999Au, 1),
            ("exp new, positive", Float32Math.Exp, Math.Exp, 0u, 0x42B20000u, 3),
            ("exp new, negative", Float32Math.Exp, Math.Exp, 0x80000000u, 0xC2D00000u, 3),
        };
        foreach (var k in kernels)
        {
            if (only.Length > 0 && !k.Name.Contains(only, StringComparison.Ordinal))
            {
                continue;
            }
            const int Chunk = 1 << 16;
            long worst = 0;
            float at = 0;
            var histogram = new long[4];
            object gate = new();
            var starts = new List<uint>();
            for (ulong b = k.From; b < k.To; b += (ulong)Chunk * k.Stride)
            {
                starts.Add((uint)b);
            }
            Parallel.ForEach(starts, start =>
            {
                var x = new float[Chunk];
                var y = new float[Chunk];
                int n = 0;
                for (ulong b = start; n < Chunk && b < k.To; b += k.Stride, n++)
                {
                    x[n] = BitConverter.UInt32BitsToSingle((uint)b);
                }
                k.K(x.AsSpan(0, n), y.AsSpan(0, n));
                long localWorst = 0;
                float localAt = 0;
                var localHistogram = new long[4];
                for (int i = 0; i < n; i++)
                {
                    long d = Math.Abs(Ordered(y[i]) - Ordered((float)k.Ref(x[i])));
                    localHistogram[Math.Min(d, 3)]++;
                    if (d > localWorst)
                    {
                        localWorst = d;
                        localAt = x[i];
                    }
                }
                lock (gate)
                {
                    for (int j = 0; j < 4; j++)
                    {
                        histogram[j] += localHistogram[j];
                    }
                    if (localWorst > worst)
                    {
                        worst = localWorst;
                        at = localAt;
                    }
                }
            });
            Console.WriteLine($"{k.Name,-28} worst {worst} ulp at {at:R}; 0/1/2/3+ ulp: {string.Join(" / ", histogram)}");
        }
    }

    private static long Ordered(float f)
    {
        int i = BitConverter.SingleToInt32Bits(f);
        return i < 0 ? -(long)(i & int.MaxValue) : i;
    }
}

/// <summary>Every float32 bit pattern through the old and the new kernels: how many results differ (NaN payloads apart).</summary>
internal static class BitsCompare
{
    private delegate void Kernel(ReadOnlySpan<float> x, Span<float> y);

    public static void Run(string only)
    {
        var kernels = new (string Name, Kernel Old, Kernel New)[]
        {
            ("exp", MiniTorch.Kernels.Old.Float32Math.Exp, Float32Math.Exp),
            ("tanh", MiniTorch.Kernels.Old.Float32Math.Tanh, Float32Math.Tanh),
        };
        foreach (var k in kernels)
        {
            if (only.Length > 0 && !k.Name.Contains(only, StringComparison.Ordinal))
            {
                continue;
            }
            const int Chunk = 1 << 20;
            long differ = 0, nanBitsDiffer = 0;
            long firstAt = -1;
            object gate = new();
            Parallel.For(0, (int)((1L << 32) / Chunk), c =>
            {
                var x = new float[Chunk];
                var a = new float[Chunk];
                var b = new float[Chunk];
                for (int i = 0; i < Chunk; i++)
                {
                    x[i] = BitConverter.UInt32BitsToSingle((uint)((long)c * Chunk + i));
                }
                k.Old(x, a);
                k.New(x, b);
                long d = 0, nd = 0, first = -1;
                for (int i = 0; i < Chunk; i++)
                {
                    int ba = BitConverter.SingleToInt32Bits(a[i]), bb = BitConverter.SingleToInt32Bits(b[i]);
                    if (ba == bb)
                    {
                        continue;
                    }
                    if (float.IsNaN(a[i]) && float.IsNaN(b[i]))
                    {
                        nd++;
                    }
                    else
                    {
                        d++;
                        first = first < 0 ? (long)c * Chunk + i : first;
                    }
                }
                lock (gate)
                {
                    differ += d;
                    nanBitsDiffer += nd;
                    if (first >= 0 && (firstAt < 0 || first < firstAt))
                    {
                        firstAt = first;
                    }
                }
            });
            string where = firstAt < 0 ? "" : $", first at bits 0x{firstAt:X8} ({BitConverter.UInt32BitsToSingle((uint)firstAt):R})";
            Console.WriteLine($"{k.Name,-6} all 2^32 inputs: {differ} results differ{where}; {nanBitsDiffer} NaN results with other NaN bits");
        }
    }
}
