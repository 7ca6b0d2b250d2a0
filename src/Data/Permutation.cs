namespace MiniTorch.Data;

/// <summary>Random orderings drawn from a <see cref="Generator"/>, shared by shuffling and splitting.</summary>
internal static class Permutation
{
    /// <summary>
    /// A uniformly random permutation of 0..<paramref name="n"/>-1 (PyTorch's <c>randperm</c>; the order differs
    /// from PyTorch's, whose generator is a different algorithm, but the same seed always gives the same order).
    /// </summary>
    public static int[] Random(int n, Generator generator)
    {
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
