using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// LayerNorm's fused row passes must round every element as the span primitives they replace did: one IEEE operation
/// at a time, in the same order (checked bit for bit against scalar code, with vector tails, both dtypes).
/// </summary>
public class LayerNormRowsTests
{
    private static T[] Random<T>(Random r, int n) where T : IFloatingPointIeee754<T>
    {
        var a = new T[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = T.CreateTruncating(r.NextDouble() * 6 - 2.5);
        }
        return a;
    }

    private static void AssertBits<T>(T[] expected, T[] actual, string what) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Equals(actual[i]) && T.IsNegative(expected[i]) == T.IsNegative(actual[i]), $"{what}[{i}]: {actual[i]}, expected {expected[i]}");
        }
    }

    [Theory]
    [InlineData(128, true)]
    [InlineData(37, true)]
    [InlineData(37, false)]
    public void Float32RowsRoundAsTheSpanSteps(int n, bool affine) => RowsRoundAsTheSpanSteps<float>(n, affine);

    [Theory]
    [InlineData(128, true)]
    [InlineData(19, false)]
    public void Float64RowsRoundAsTheSpanSteps(int n, bool affine) => RowsRoundAsTheSpanSteps<double>(n, affine);

    private static void RowsRoundAsTheSpanSteps<T>(int n, bool affine) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = new Random(n);
        var x = Random<T>(r, n);
        var g = Random<T>(r, n);
        var w = affine ? Random<T>(r, n) : [];
        var b = affine ? Random<T>(r, n) : [];
        T mu = T.CreateTruncating(0.3), s = T.CreateTruncating(1.7), meanG = T.CreateTruncating(-0.2), meanGx = T.CreateTruncating(0.45);

        var y = new T[n];
        LayerNormRows.Normalise<T>(x, s, w, b, y);
        var xhat = new T[n];
        var gxhat = new T[n];
        var gh = new T[n];
        LayerNormRows.Prepare<T>(g, x, mu, s, w, xhat, gxhat, gh);
        var dx = new T[n];
        LayerNormRows.Finish<T>(gh, xhat, meanG, meanGx, s, dx);

        var ey = new T[n];
        var eh = new T[n];
        var egx = new T[n];
        var egh = new T[n];
        var edx = new T[n];
        for (int i = 0; i < n; i++)
        {
            T v = x[i] / s;
            ey[i] = affine ? v * w[i] + b[i] : v;
            eh[i] = (x[i] - mu) / s;
            egx[i] = g[i] * eh[i];
            egh[i] = affine ? g[i] * w[i] : g[i];
            T d = eh[i] * meanGx;
            d = egh[i] - d;
            d -= meanG;
            edx[i] = d / s;
        }
        AssertBits(ey, y, "y");
        AssertBits(eh, xhat, "x̂");
        AssertBits(egx, gxhat, "g·x̂");
        AssertBits(egh, gh, "ĝ");
        AssertBits(edx, dx, "dx");
    }
}
