using System.Numerics.Tensors;
using MiniTorch.Kernels;
using Xunit.Abstractions;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// The float32-native exp and tanh against float64 references on a dense sweep of all float32 values (every 1021st bit
/// pattern, both signs: 4.2M values, from the smallest subnormal to ∞ and NaN), with the worst error in ulps
/// reported for them and for the kernels they replaced (<c>TensorPrimitives.Exp</c>, the float64-evaluated tanh).
/// </summary>
public class Float32MathTests(ITestOutputHelper output)
{
    private const int Stride = 1021;
    private const int Chunk = 1 << 16;

    [Fact]
    public void Exp_IsWithinOneUlpOverAllOfFloat32()
    {
        var (worst, at) = Sweep(Float32Math.Exp, x => (float)Math.Exp(x));
        var (oldWorst, _) = Sweep((x, y) => TensorPrimitives.Exp(x, y), x => (float)Math.Exp(x));
        output.WriteLine($"exp: worst {worst} ulp at {at:R}; TensorPrimitives.Exp: worst {oldWorst} ulp");
        Assert.True(worst <= 1, $"exp is {worst} ulp off at {at:R}");
    }

    [Fact]
    public void Tanh_IsWithinTwoUlpOverAllOfFloat32()
    {
        var (worst, at) = Sweep(Float32Math.Tanh, x => (float)Math.Tanh(x));
        var (oldWorst, _) = Sweep(TanhKernel.Apply, x => (float)Math.Tanh(x));
        output.WriteLine($"tanh: worst {worst} ulp at {at:R}; float64-evaluated kernel: worst {oldWorst} ulp");
        Assert.True(worst <= 2, $"tanh is {worst} ulp off at {at:R}");
    }

    [Theory]
    [InlineData(0f, 1f, 0f)]
    [InlineData(float.PositiveInfinity, float.PositiveInfinity, 1f)]
    [InlineData(float.NegativeInfinity, 0f, -1f)]
    [InlineData(88.7229f, float.PositiveInfinity, 1f)]
    [InlineData(-103.97208f, 1E-45f, -1f)]
    [InlineData(-200f, 0f, -1f)]
    public void SpecialValues(float x, float exp, float tanh)
    {
        var input = new[] { x, float.NaN, x, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, x };
        var e = new float[input.Length];
        var t = new float[input.Length];
        Float32Math.Exp(input, e);
        Float32Math.Tanh(input, t);
        Assert.Equal(exp, e[0]);
        Assert.Equal(tanh, t[0]);
        Assert.Equal(BitConverter.SingleToInt32Bits(tanh), BitConverter.SingleToInt32Bits(t[^1])); // tail lane: same code
        Assert.True(float.IsNaN(e[1]) && float.IsNaN(t[1]));
    }

    [Fact]
    public void TanhOfNegativeZero_IsNegativeZero()
    {
        var t = new float[1];
        Float32Math.Tanh(new[] { -0f }, t);
        Assert.True(float.IsNegative(t[0]) && t[0] == 0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(15)]
    public void EveryAlignmentAndTheLargeOutputPath_GiveTheBitsOfOneElementCalls(int offset)
    {
        // 100,003 elements (400 KB: above the non-temporal threshold) at an offset into larger arrays: an unaligned
        // head through the padded path, the aligned main loop with non-temporal stores, a tail. Each element must
        // equal the kernel's result for that element alone, and nothing outside the slice may be written.
        const int N = 100_003;
        var random = new Random(offset);
        var x = new float[N + offset + 16];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(random.NextDouble() * 240 - 120) * (i % 3 == 0 ? 0.01f : 1f);
        }
        x[offset + 5] = float.NaN;
        x[offset + 6] = float.NegativeInfinity;
        x[offset + N - 1] = -0f;
        foreach (var kernel in new Kernel[] { Float32Math.Exp, Float32Math.Tanh })
        {
            var y = new float[x.Length];
            kernel(x.AsSpan(offset, N), y.AsSpan(offset, N));
            var one = new float[1];
            for (int i = 0; i < N; i++)
            {
                kernel(x.AsSpan(offset + i, 1), one);
                if (BitConverter.SingleToInt32Bits(one[0]) != BitConverter.SingleToInt32Bits(y[offset + i]))
                {
                    Assert.Fail($"element {i} ({x[offset + i]:R}): {y[offset + i]:R} in the long call, {one[0]:R} alone");
                }
            }
            Assert.All(y[..offset], v => Assert.Equal(0f, v));
            Assert.All(y[(offset + N)..], v => Assert.Equal(0f, v));

            // In place (as softmax calls it): the same bits.
            var z = x.AsSpan(offset, N).ToArray();
            kernel(z, z);
            Assert.Equal(y.AsSpan(offset, N).ToArray(), z);
        }
    }

    private delegate void Kernel(ReadOnlySpan<float> x, Span<float> y);

    private static (long Worst, float At) Sweep(Kernel kernel, Func<double, float> reference)
    {
        var x = new float[Chunk];
        var y = new float[Chunk];
        long worst = 0;
        float at = 0;
        long bits = 0;
        const long end = 1L << 32;
        while (bits < end)
        {
            int n = 0;
            for (; n < Chunk && bits < end; n++, bits += Stride)
            {
                x[n] = BitConverter.Int32BitsToSingle((int)(uint)bits);
            }
            kernel(x.AsSpan(0, n), y.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                long d = UlpDistance(y[i], reference(x[i]));
                if (d > worst)
                {
                    worst = d;
                    at = x[i];
                }
            }
        }
        return (worst, at);
    }

    private static long UlpDistance(float a, float b)
    {
        if (float.IsNaN(a) || float.IsNaN(b))
        {
            return float.IsNaN(a) && float.IsNaN(b) ? 0 : long.MaxValue;
        }
        return Math.Abs(Ordered(a) - Ordered(b));
    }

    // Maps float bit patterns to integers in the floats' order (−0 and +0 both to 0).
    private static long Ordered(float f)
    {
        int i = BitConverter.SingleToInt32Bits(f);
        return i < 0 ? -(long)(i & int.MaxValue) : i;
    }
}
