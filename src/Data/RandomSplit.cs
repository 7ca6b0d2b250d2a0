namespace MiniTorch.Data;

/// <summary>Operations on whole datasets (PyTorch's <c>torch.utils.data</c> functions).</summary>
public static class Dataset
{
    /// <summary>
    /// Splits <paramref name="dataset"/> into non-overlapping random subsets of the given lengths, which must add
    /// up to the dataset's size (PyTorch's <c>random_split</c> with integer lengths). The same generator seed
    /// gives the same split.
    /// </summary>
    /// <param name="dataset">The dataset to split.</param>
    /// <param name="lengths">The size of each subset, in order.</param>
    /// <param name="generator">The source of the random order; <see cref="Generator.Default"/> when omitted.</param>
    /// <exception cref="ArgumentException">A length is negative or the lengths do not add up to the dataset's size.</exception>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, int[] lengths, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(lengths);
        long sum = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            if (lengths[i] < 0)
            {
                throw new ArgumentException($"RandomSplit: length at index {i} is {lengths[i]}; lengths must be >= 0.", nameof(lengths));
            }
            sum += lengths[i];
        }
        if (sum != dataset.Count)
        {
            throw new ArgumentException(
                $"RandomSplit: Sum of input lengths does not equal the length of the input dataset! The lengths [{string.Join(", ", lengths)}] add up to {sum}, the dataset has {dataset.Count} samples.",
                nameof(lengths));
        }
        var order = Permutation.Random(dataset.Count, generator ?? Generator.Default);
        var splits = new Subset<T>[lengths.Length];
        int offset = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            splits[i] = new Subset<T>(dataset, new ArraySegment<int>(order, offset, lengths[i]));
            offset += lengths[i];
        }
        return splits;
    }

    /// <summary>
    /// Splits <paramref name="dataset"/> into random subsets holding the given fractions of it (PyTorch's
    /// <c>random_split</c> with fractions): each subset gets floor(count × fraction) samples, and the samples left
    /// over are handed out one at a time to the subsets in order (round-robin), as PyTorch does.
    /// </summary>
    /// <param name="dataset">The dataset to split.</param>
    /// <param name="fractions">Fractions in [0, 1] adding up to 1 (within 1e-9, as Python's <c>math.isclose</c>).</param>
    /// <param name="generator">The source of the random order; <see cref="Generator.Default"/> when omitted.</param>
    /// <exception cref="ArgumentException">A fraction is outside [0, 1] or the fractions do not add up to 1.</exception>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, double[] fractions, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(fractions);
        return RandomSplit(dataset, SplitLengths(dataset.Count, fractions), generator);
    }

    /// <summary>The subset sizes PyTorch's <c>random_split</c> derives from fractions of <paramref name="count"/>.</summary>
    internal static int[] SplitLengths(int count, double[] fractions)
    {
        if (fractions.Length == 0)
        {
            throw new ArgumentException("RandomSplit: expected at least one fraction.", nameof(fractions));
        }
        double sum = 0;
        for (int i = 0; i < fractions.Length; i++)
        {
            double f = fractions[i];
            if (!(f >= 0 && f <= 1))
            {
                throw new ArgumentException($"RandomSplit: Fraction at index {i} is not between 0 and 1 (got {f}).", nameof(fractions));
            }
            sum += f;
        }
        // Python's math.isclose(sum, 1) with its default relative tolerance.
        if (Math.Abs(sum - 1) > 1e-9 * Math.Max(Math.Abs(sum), 1))
        {
            throw new ArgumentException(
                $"RandomSplit: fractions must add up to 1, but [{string.Join(", ", fractions)}] add up to {sum}. Pass int lengths to give exact sizes.",
                nameof(fractions));
        }
        var lengths = new int[fractions.Length];
        int assigned = 0;
        for (int i = 0; i < fractions.Length; i++)
        {
            lengths[i] = (int)Math.Floor(count * fractions[i]);
            assigned += lengths[i];
        }
        for (int i = 0; i < count - assigned; i++)
        {
            lengths[i % lengths.Length]++;
        }
        return lengths;
    }
}
