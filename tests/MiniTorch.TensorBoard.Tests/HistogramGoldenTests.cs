using System.Text.Json;

namespace MiniTorch.TensorBoard.Tests;

/// <summary>
/// Histograms against Golden/histograms.json, computed with numpy over torch.utils.tensorboard's bucket edges and its
/// trimming (tools/tensorboard/generate_histogram_golden.py).
/// </summary>
public sealed class HistogramGoldenTests
{
    private static readonly JsonElement Golden =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "histograms.json"))).RootElement;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Golden.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    [Fact]
    public void DefaultEdgesHaveTorchsCount()
    {
        Assert.Equal(Golden.GetProperty("edges_count").GetInt32(), HistogramBuilder.DefaultEdges.Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BucketsMatchNumpy(string name)
    {
        var c = Golden.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        double[] values = Doubles(c.GetProperty("values"));
        var histogram = HistogramBuilder.Build(name, values, HistogramBuilder.DefaultEdges);

        // Edges and counts exactly: the edges are the same doubles, the counts integers.
        Assert.Equal(Doubles(c.GetProperty("bucket_limit")), histogram.BucketLimit.ToArray());
        Assert.Equal(Doubles(c.GetProperty("bucket")), histogram.Bucket.ToArray());
        Assert.Equal(c.GetProperty("min").GetDouble(), histogram.Min);
        Assert.Equal(c.GetProperty("max").GetDouble(), histogram.Max);
        Assert.Equal(c.GetProperty("num").GetDouble(), histogram.Num);
        // numpy sums pairwise, we sum in order: equal to rounding.
        double sum = c.GetProperty("sum").GetDouble();
        double sumSquares = c.GetProperty("sum_squares").GetDouble();
        Assert.True(Math.Abs(sum - histogram.Sum) <= 1e-12 * Math.Max(1, values.Sum(Math.Abs)), $"sum {histogram.Sum:R} vs numpy {sum:R}");
        Assert.True(Math.Abs(sumSquares - histogram.SumSquares) <= 1e-12 * Math.Max(1, sumSquares), $"sum of squares {histogram.SumSquares:R} vs numpy {sumSquares:R}");
    }

    [Fact]
    public void NonFiniteOrEmptyValuesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => HistogramBuilder.Build("w", [1, double.NaN], HistogramBuilder.DefaultEdges));
        Assert.Contains("NaN", e.Message);
        Assert.Contains("'w'", e.Message);
        Assert.Throws<ArgumentException>(() => HistogramBuilder.Build("w", [], HistogramBuilder.DefaultEdges));
        e = Assert.Throws<ArgumentException>(() => HistogramBuilder.Build("w", [5, 6], [0, 1, 2]));
        Assert.Contains("no value lies within", e.Message);
    }
}
