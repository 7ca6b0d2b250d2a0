using System.Runtime.Intrinsics;
using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>The vector erf must give the scalar fdlibm erf's bits for every input, at both vector widths.</summary>
public class ErfVectorTests
{
    private static double[] Sweep()
    {
        var values = new List<double>
        {
            0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon,
            3.7252902984e-09, -3.7252902984e-09, 3.72529e-09, 0.84375, -0.84375, 1.25, -1.25, 1 / 0.35, 6, -6,
            BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(0.84375) - 1),
            BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(1.25) - 1),
        };
        // A dense sweep of [-7, 7] with irregular spacing, so every vector mixes regions, plus tiny magnitudes.
        for (double x = -7; x <= 7; x += 0.000731)
        {
            values.Add(x);
        }
        for (double x = 1e-12; x < 1e-3; x *= 1.37)
        {
            values.Add(x);
            values.Add(-x);
        }
        return values.ToArray();
    }

    [Fact]
    public void Float64MatchesTheScalarErfBitForBit()
    {
        var x = Sweep();
        var expected = x.Select(ErfOp.Erf).ToArray();
        var y512 = new double[x.Length];
        var y256 = new double[x.Length];
        if (Vector512.IsHardwareAccelerated)
        {
            ErfVector.Run<DoubleSimd512, Vector512<double>>(x, y512);
        }
        else
        {
            ErfVector.Erf(x, y512);
        }
        ErfVector.Run<DoubleSimd256, Vector256<double>>(x, y256);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(y512[i]), $"512: erf({x[i]:R}) = {y512[i]:R}, scalar {expected[i]:R}");
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(y256[i]), $"256: erf({x[i]:R}) = {y256[i]:R}, scalar {expected[i]:R}");
        }
    }

    [Fact]
    public void Float32IsTheScalarFloat64ResultRoundedOnce()
    {
        var x = Sweep().Select(v => (float)v).ToArray();
        var y = new float[x.Length];
        ErfVector.Erf(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            float expected = (float)ErfOp.Erf(x[i]);
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[i]), $"erf({x[i]:R}) = {y[i]:R}, expected {expected:R}");
        }
    }

    [Fact]
    public void VectorsMixingBothFitsMatchTheScalarErfBitForBit()
    {
        // GELU's inputs: most vectors hold lanes of both rational fits (|x| < 0.84375 and [0.84375, 1.25)), which are
        // evaluated in one blended pass; shuffled so that every vector mixes the fits, the erfc region and the edges.
        var x = Sweep().Where(v => Math.Abs(v) < 1.6 || double.IsNaN(v)).ToArray();
        new Random(13).Shuffle(x);
        var expected = x.Select(ErfOp.Erf).ToArray();
        var y512 = new double[x.Length];
        var y256 = new double[x.Length];
        if (Vector512.IsHardwareAccelerated)
        {
            ErfVector.Run<DoubleSimd512, Vector512<double>>(x, y512);
        }
        else
        {
            ErfVector.Erf(x, y512);
        }
        ErfVector.Run<DoubleSimd256, Vector256<double>>(x, y256);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(y512[i]), $"512: erf({x[i]:R}) = {y512[i]:R}, scalar {expected[i]:R}");
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(y256[i]), $"256: erf({x[i]:R}) = {y256[i]:R}, scalar {expected[i]:R}");
        }
    }

    [Fact]
    public void TailShorterThanAVectorMatches()
    {
        double[] x = [0.3, -1.1, 2.5];
        var y = new double[3];
        ErfVector.Erf(x, y);
        Assert.Equal(x.Select(ErfOp.Erf).ToArray(), y);
    }
}
