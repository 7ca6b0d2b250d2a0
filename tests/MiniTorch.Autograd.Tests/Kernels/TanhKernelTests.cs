using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

public class TanhKernelTests
{
    [Fact]
    public void WithinOneUlpOfFloat64TanhAcrossTheFloatRange()
    {
        // Every 4099th bit pattern from 0 to +∞ (about 520k values over every exponent), and their negatives.
        var x = new List<float>();
        for (long bits = 0; bits < 0x7F800000L; bits += 4099)
        {
            float v = BitConverter.Int32BitsToSingle((int)bits);
            x.Add(v);
            x.Add(-v);
        }
        var input = x.ToArray();
        var output = new float[input.Length];
        TanhKernel.Apply(input, output);
        for (int i = 0; i < input.Length; i++)
        {
            float expected = (float)Math.Tanh(input[i]);
            long ulps = Math.Abs((long)BitConverter.SingleToInt32Bits(output[i]) - BitConverter.SingleToInt32Bits(expected));
            Assert.True(ulps <= 1, $"tanh({input[i]:R}): expected {expected:R}, got {output[i]:R} ({ulps} ulp)");
        }
    }

    [Fact]
    public void SpecialValuesKeepSignAndNaN()
    {
        float[] x = [0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon,
            1e-30f, 3.9e-4f, 4e-4f, 4.1e-4f, 9.5f, -20f, 1e30f, -float.MaxValue, 0.5f, -0.5f];
        var y = new float[x.Length];
        TanhKernel.Apply(x, y);
        Assert.Equal(0, BitConverter.SingleToInt32Bits(y[0]));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(y[1]));
        Assert.True(float.IsNaN(y[2]));
        Assert.Equal(1f, y[3]);
        Assert.Equal(-1f, y[4]);
        Assert.Equal(float.Epsilon, y[5]);
        Assert.Equal(-float.Epsilon, y[6]);
        for (int i = 7; i < x.Length; i++)
        {
            Assert.Equal((float)Math.Tanh(x[i]), y[i]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(64)]
    public void EveryLengthIsCoveredIncludingTheScalarTail(int length)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = (i - length / 2) * 0.37f;
        }
        var y = new float[length];
        TanhKernel.Apply(x, y);
        for (int i = 0; i < length; i++)
        {
            Assert.True(Math.Abs(y[i] - Math.Tanh(x[i])) <= 1.2e-7 * Math.Max(Math.Abs(Math.Tanh(x[i])), 1e-30), $"tanh({x[i]}) = {y[i]}");
        }
    }

    [Fact]
    public void TensorTanhOfFloat32_IsTheFloat32PolynomialKernel()
    {
        // Tensor.Tanh on float32 runs Float32Math.Tanh (within 2 ulp); this float64-evaluated kernel is its reference.
        var values = new float[] { 0f, -0f, 1f, -1f, 1e-6f, 3f, 1e-3f, 0.25f, -7f };
        var t = Tensor.FromArray(values);
        var kernel = new float[values.Length];
        Float32Math.Tanh(values, kernel);
        var reference = new float[values.Length];
        TanhKernel.Apply(values, reference);
        var actual = t.Tanh().ToFloatArray();
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(kernel[i]), BitConverter.SingleToInt32Bits(actual[i]));
            Assert.True(Math.Abs(BitConverter.SingleToInt32Bits(actual[i]) - BitConverter.SingleToInt32Bits(reference[i])) <= 2,
                $"tanh({values[i]:R}) = {actual[i]:R}, float64-evaluated {reference[i]:R}");
        }
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(actual[1]));
    }
}
