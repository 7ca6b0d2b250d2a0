using Tensorboard;

namespace MiniTorch.TensorBoard;

/// <summary>
/// Builds TensorBoard's <c>HistogramProto</c> the way <c>torch.utils.tensorboard</c> does (summary.make_histogram):
/// numpy's histogram over fixed bucket edges, trimmed to the buckets that hold values, with one empty bucket on the
/// left so that TensorBoard, which stores only right edges, still knows where the first bucket starts.
/// </summary>
internal static class HistogramBuilder
{
    /// <summary>
    /// The default edges of <c>SummaryWriter</c> (and TensorFlow's histogram.cc): ±1e-12·1.1^k up to 1e20, and 0,
    /// computed with the same repeated double multiplication, so the edges are bit-identical to PyTorch's.
    /// </summary>
    public static IReadOnlyList<double> DefaultEdges { get; } = MakeDefaultEdges();

    private static double[] MakeDefaultEdges()
    {
        var positive = new List<double>();
        for (double v = 1e-12; v < 1e20; v *= 1.1)
        {
            positive.Add(v);
        }
        var edges = new double[2 * positive.Count + 1];
        for (int i = 0; i < positive.Count; i++)
        {
            edges[positive.Count - 1 - i] = -positive[i];
            edges[positive.Count + 1 + i] = positive[i];
        }
        return edges;
    }

    /// <summary>The histogram of <paramref name="values"/> over <paramref name="edges"/> (ascending).</summary>
    /// <exception cref="ArgumentException">No values, a value that is NaN or infinite, or no value inside the edges.</exception>
    public static HistogramProto Build(string tag, double[] values, IReadOnlyList<double> edges)
    {
        if (values.Length == 0)
        {
            throw new ArgumentException($"SummaryWriter.AddHistogram('{tag}'): the tensor has no elements.", nameof(values));
        }
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sumSquares = 0;
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException($"SummaryWriter.AddHistogram('{tag}'): the values contain {v}; a histogram needs finite values (as TensorFlow's).", nameof(values));
            }
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
            sumSquares += v * v;
        }
        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);

        // numpy.histogram with explicit edges: bucket i holds [e_i, e_{i+1}), the last one [e_{n-1}, e_n]; values
        // outside the edges are not counted.
        int buckets = edges.Count - 1;
        var counts = new long[buckets];
        int previous = LowerBound(sorted, edges[0]);
        for (int i = 0; i < buckets; i++)
        {
            int next = i == buckets - 1 ? UpperBound(sorted, edges[i + 1]) : LowerBound(sorted, edges[i + 1]);
            counts[i] = next - previous;
            previous = next;
        }

        int first = Array.FindIndex(counts, c => c > 0);
        if (first < 0)
        {
            throw new ArgumentException(
                $"SummaryWriter.AddHistogram('{tag}'): no value lies within the bucket edges [{edges[0]:R}, {edges[^1]:R}] (min {min:R}, max {max:R}).", nameof(values));
        }
        int last = Array.FindLastIndex(counts, c => c > 0);
        var proto = new HistogramProto { Min = min, Max = max, Num = values.Length, Sum = sum, SumSquares = sumSquares };
        if (first == 0)
        {
            proto.BucketLimit.Add(edges[0]);
            proto.Bucket.Add(0);
        }
        for (int i = Math.Max(first - 1, 0); i <= last; i++)
        {
            proto.BucketLimit.Add(edges[i + 1]);
            proto.Bucket.Add(counts[i]);
        }
        return proto;
    }

    /// <summary>The number of values below <paramref name="x"/>.</summary>
    private static int LowerBound(double[] sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>The number of values at or below <paramref name="x"/>.</summary>
    private static int UpperBound(double[] sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
