namespace MiniTorch.Tests.Ops;

/// <summary>
/// x.Pow(1) and x.Pow(2) skip libm pow (as PyTorch's pow kernel does); the results must be exactly pow's, special
/// values included (a NaN stays NaN; like PyTorch's x.pow(1), which is a copy, its sign bit is not canonicalised).
/// </summary>
public class PowExponentOneAndTwoTests
{
    private static readonly double[] Values =
        [0.0, -0.0, 1.5, -2.25, 3e200, -3e200, 1e-200, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 0.1, -7.3, 1.0000001];

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Float64MatchesMathPowBitForBit(double exponent)
    {
        var result = Tensor.FromArray(Values).Pow(exponent).ToDoubleArray();
        for (int i = 0; i < Values.Length; i++)
        {
            double expected = Math.Pow(Values[i], exponent);
            if (double.IsNaN(expected))
            {
                Assert.True(double.IsNaN(result[i]));
                continue;
            }
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(result[i]));
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Float32MatchesMathFPowBitForBit(double exponent)
    {
        var values = Array.ConvertAll(Values, v => (float)v);
        var result = Tensor.FromArray(values).Pow(exponent).ToFloatArray();
        for (int i = 0; i < values.Length; i++)
        {
            float expected = MathF.Pow(values[i], (float)exponent);
            if (float.IsNaN(expected))
            {
                Assert.True(float.IsNaN(result[i]));
                continue;
            }
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(result[i]));
        }
    }
}
