using System.Numerics;
using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

/// <summary>
/// The whole-row im2col/col2im of <see cref="Im2ColRuns"/> (unit strides, output as wide as the input) against a
/// naive per-element unfold/fold written from the definition, and against the row-by-row path it replaces, in both
/// dtypes. Every output element receives the same additions in the same order on every path, so the results are
/// compared exactly.
/// </summary>
public class Im2ColRunsTests
{
    /// <summary>C, H, W, kernel, padding, dilation: all with unit stride and OutW = W (the runs path).</summary>
    public static TheoryData<int, int, int, (int, int), (int, int), (int, int)> Windows() => new()
    {
        { 3, 16, 16, (3, 3), (1, 1), (1, 1) },
        { 2, 7, 5, (3, 3), (1, 1), (1, 1) },
        { 1, 6, 9, (3, 3), (2, 2), (2, 2) },
        { 2, 5, 7, (5, 5), (2, 2), (1, 1) },
        { 3, 5, 4, (2, 3), (0, 1), (1, 1) },
        { 1, 4, 6, (3, 1), (2, 0), (1, 1) },
        { 2, 2, 3, (5, 3), (2, 1), (1, 1) },
        { 1, 3, 1, (3, 1), (1, 0), (1, 1) },
        { 2, 3, 2, (7, 7), (3, 3), (1, 1) },
        { 1, 9, 8, (3, 5), (0, 4), (3, 2) },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void UnfoldMatchesTheDefinitionAndTheRowByRowPath(int c, int h, int w, (int H, int W) k, (int H, int W) p, (int H, int W) d)
    {
        var g = new WindowGeometry(1, c, h, w, k.H, k.W, 1, 1, p.H, p.W, d.H, d.W);
        Assert.True(Im2ColRuns.Applies(g));
        CheckUnfold<float>(g);
        CheckUnfold<double>(g);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void FoldMatchesTheDefinitionAndTheRowByRowPath(int c, int h, int w, (int H, int W) k, (int H, int W) p, (int H, int W) d)
    {
        var g = new WindowGeometry(1, c, h, w, k.H, k.W, 1, 1, p.H, p.W, d.H, d.W);
        CheckFold<float>(g);
        CheckFold<double>(g);
    }

    [Fact]
    public void StridedOrNarrowingWindowsTakeTheRowByRowPath()
    {
        Assert.False(Im2ColRuns.Applies(new WindowGeometry(1, 1, 8, 8, 3, 3, 2, 2, 1, 1, 1, 1)));
        Assert.False(Im2ColRuns.Applies(new WindowGeometry(1, 1, 8, 8, 3, 3, 1, 1, 0, 0, 1, 1)));
        Assert.False(Im2ColRuns.Applies(new WindowGeometry(1, 1, 8, 8, 3, 3, 2, 1, 1, 1, 1, 1)));
    }

    [Fact]
    public void UnfoldOpPadsWithItsPadValueOnTheRunsPath()
    {
        // Im2Col's pad value (MaxPool's −∞ in older code) reaches the padded positions the runs path fixes up.
        var g = new WindowGeometry(1, 1, 3, 4, 3, 3, 1, 1, 1, 1, 1, 1);
        var x = Values<double>(12, seed: 3);
        var cols = new double[g.Rows * g.Positions];
        Im2ColKernel.Unfold(x, 0, cols, g, -7.0);
        Assert.Equal(Naive(x, g, -7.0), cols);
    }

    private static void CheckUnfold<T>(WindowGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int planes = g.C * g.H * g.W;
        var x = Values<T>(planes + 5, seed: 1);
        var runs = Values<T>(g.Rows * g.Positions + 3, seed: 2);
        var rows = Values<T>(g.Rows * g.Positions + 3, seed: 2);
        // From an offset, to check the plane addressing.
        Im2ColKernel.UnfoldSample(x, 5, runs, g);
        Im2ColKernel.UnfoldSample(x, 5, rows, g, runs: false);
        var expected = Naive(x.AsSpan(5).ToArray(), g, T.Zero);
        Assert.Equal(expected, runs.AsSpan(0, expected.Length).ToArray());
        Assert.Equal(expected, rows.AsSpan(0, expected.Length).ToArray());
    }

    private static void CheckFold<T>(WindowGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int planes = g.C * g.H * g.W;
        var cols = Values<T>(g.Rows * g.Positions, seed: 4);
        var start = Values<T>(planes + 2, seed: 5);
        var expected = (T[])start.Clone();
        NaiveFold(cols, expected, 2, g);
        var rows = (T[])start.Clone();
        Im2ColKernel.FoldSample((T[])cols.Clone(), rows, 2, g, runs: false);
        var runs = (T[])start.Clone();
        Im2ColKernel.FoldSample((T[])cols.Clone(), runs, 2, g);
        Assert.Equal(expected, rows);
        Assert.Equal(expected, runs);
    }

    /// <summary>Column (c·kh + i)·kw + j, position oh·OutW + ow holds x[c, oh − ph + i·dh, ow − pw + j·dw], or <paramref name="pad"/> outside.</summary>
    private static T[] Naive<T>(T[] x, WindowGeometry g, T pad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cols = new T[g.Rows * g.Positions];
        ForEachTap(g, (row, position, source) => cols[row * g.Positions + position] = source < 0 ? pad : x[source]);
        return cols;
    }

    private static void NaiveFold<T>(T[] cols, T[] x, int offset, WindowGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ForEachTap(g, (row, position, source) =>
        {
            if (source >= 0)
            {
                x[offset + source] += cols[row * g.Positions + position];
            }
        });
    }

    /// <summary>Visits the taps in the order the kernels add them: channel, kernel row, kernel column, then output position.</summary>
    private static void ForEachTap(WindowGeometry g, Action<int, int, int> visit)
    {
        for (int c = 0; c < g.C; c++)
        {
            for (int i = 0; i < g.KernelH; i++)
            {
                for (int j = 0; j < g.KernelW; j++)
                {
                    int row = (c * g.KernelH + i) * g.KernelW + j;
                    for (int oh = 0; oh < g.OutH; oh++)
                    {
                        for (int ow = 0; ow < g.OutW; ow++)
                        {
                            int ih = oh * g.StrideH - g.PadH + i * g.DilationH, iw = ow * g.StrideW - g.PadW + j * g.DilationW;
                            bool inside = ih >= 0 && ih < g.H && iw >= 0 && iw < g.W;
                            visit(row, oh * g.OutW + ow, inside ? (c * g.H + ih) * g.W + iw : -1);
                        }
                    }
                }
            }
        }
    }

    private static T[] Values<T>(int length, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = T.CreateChecked(random.NextDouble() * 2 - 1);
        }
        return values;
    }
}
