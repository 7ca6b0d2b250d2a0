using System.Text;

namespace MiniTorch.Distributed;

/// <summary>
/// Checks that every rank wraps the same model before DistributedDataParallel starts any collective that the ranks
/// would have to match: one gather of each rank's parameter and buffer list (names, shapes, dtypes, requires-grad),
/// then the same comparison on every rank, so a mismatch is the same error on all of them instead of a hang.
/// </summary>
internal static class ModelSignature
{
    public static void Verify(IReadOnlyList<(string Name, Tensor Tensor, bool IsParameter)> entries)
    {
        var mine = Describe(entries);
        var all = Distributed.AllGatherBytes(Encoding.UTF8.GetBytes(string.Join('\n', mine)), "DistributedDataParallel (model check)");
        var reference = Decode(all[0]);
        for (int r = 1; r < all.Length; r++)
        {
            var other = Decode(all[r]);
            if (FirstDifference(reference, other) is { } difference)
            {
                throw new DistributedException(
                    $"DistributedDataParallel: the ranks wrap different models, so their gradients cannot be averaged. {difference(r)} " +
                    "Every rank must build the same model (same parameter names, shapes, dtypes and requires-grad flags) before wrapping it. " +
                    "(PyTorch: DDP expects same model across all ranks.)");
            }
        }
    }

    private static string[] Describe(IReadOnlyList<(string Name, Tensor Tensor, bool IsParameter)> entries)
    {
        var lines = new string[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            var (name, t, isParameter) = entries[i];
            string kind = isParameter ? (t.RequiresGrad ? "parameter" : "frozen parameter") : "buffer";
            lines[i] = $"{kind} '{name}'\t{t.DType.TorchName()} {TensorValues.Format(t.Shape)}";
        }
        return lines;
    }

    private static string[] Decode(byte[] bytes) => bytes.Length == 0 ? [] : Encoding.UTF8.GetString(bytes).Split('\n');

    /// <summary>A description of the first difference between rank 0's list and another rank's, or null if they agree.</summary>
    private static Func<int, string>? FirstDifference(string[] reference, string[] other)
    {
        int n = Math.Min(reference.Length, other.Length);
        for (int i = 0; i < n; i++)
        {
            if (reference[i] != other[i])
            {
                string a = reference[i].Replace('\t', ' ');
                string b = other[i].Replace('\t', ' ');
                return rank => $"Entry {i}: rank 0 has {a}, but rank {rank} has {b}.";
            }
        }
        if (reference.Length != other.Length)
        {
            return rank => reference.Length > other.Length
                ? $"Rank 0 has {reference.Length} parameters and buffers, rank {rank} only {other.Length}; rank {rank} lacks {reference[n].Replace('\t', ' ')}."
                : $"Rank {rank} has {other.Length} parameters and buffers, rank 0 only {reference.Length}; rank 0 lacks {other[n].Replace('\t', ' ')}.";
        }
        return null;
    }
}
