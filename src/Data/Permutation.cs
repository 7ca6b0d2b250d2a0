namespace MiniTorch.Data;

/// <summary>
/// Random orderings drawn from a <see cref="Generator"/>: the one the <see cref="DataLoader{T}"/> shuffles with and
/// <c>Dataset.RandomSplit</c> splits with, for samplers that must draw the same orders (DistributedSampler).
/// </summary>
public static class Permutation
{
    /// <summary>
    /// A uniformly random permutation of 0..<paramref name="n"/>-1 (PyTorch's <c>randperm</c>; the order differs
    /// from PyTorch's, whose generator is a different algorithm, but the same seed always gives the same order).
    /// Draws n − 1 numbers from <paramref name="generator"/> (a Fisher-Yates shuffle).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    public static int[] Random(int n, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentNullException.ThrowIfNull(generator);
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        // Fisher-Yates, from the back: every permutation is equally likely given an unbiased NextInt.
        for (int i = n - 1; i > 0; i--)
        {
            int j = generator.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
