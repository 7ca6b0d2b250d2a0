using System.Text;

namespace MiniTorch;

/// <summary>
/// Shape and stride arithmetic shared by every op: element counts, contiguous strides, broadcasting
/// and dimension normalisation. All shape errors are raised here so their wording is uniform.
/// </summary>
internal static class Shapes
{
    public static readonly int[] Scalar = [];

    public static int Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }
        if (n > Array.MaxLength)
        {
            throw new ArgumentException($"A tensor of shape {Format(shape)} has {n} elements, more than the {Array.MaxLength} a managed array can hold.");
        }
        return (int)n;
    }

    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    public static bool IsContiguous(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides)
    {
        int expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 1)
            {
                continue; // the stride of a size-1 dimension never matters
            }
            if (strides[i] != expected)
            {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>The broadcast shape of two shapes by NumPy/PyTorch rules, or an error naming the op.</summary>
    public static int[] Broadcast(string op, int[] a, int[] b)
    {
        if (SameShape(a, b))
        {
            return a;
        }
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                throw new ArgumentException(
                    $"{op}: shapes {Format(a)} and {Format(b)} cannot be broadcast together: the size of dimension {i - rank} is {da} in one and {db} in the other (sizes must match or one of them must be 1).");
            }
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Strides that read <paramref name="shape"/>/<paramref name="strides"/> as if it had <paramref name="target"/>'s shape (0 on broadcast dims).</summary>
    public static int[] BroadcastStrides(int[] shape, int[] strides, int[] target)
    {
        var result = new int[target.Length];
        int lead = target.Length - shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            result[lead + i] = shape[i] == 1 && target[lead + i] != 1 ? 0 : strides[i];
        }
        return result;
    }

    /// <summary>Turns a possibly negative dim into an index in [0, rank), or throws naming the op.</summary>
    public static int NormalizeDim(string op, int dim, int rank)
    {
        int effectiveRank = Math.Max(rank, 1); // PyTorch lets a 0-d tensor be addressed with dim 0 or -1
        if (dim < -effectiveRank || dim >= effectiveRank)
        {
            throw new ArgumentOutOfRangeException(nameof(dim),
                $"{op}: dimension out of range (expected to be in range of [{-effectiveRank}, {effectiveRank - 1}], but got {dim}).");
        }
        return dim < 0 ? dim + effectiveRank : dim;
    }

    /// <summary>The positions that are true in a reduced-dims mask, in increasing order (the form traces report).</summary>
    public static int[] DimList(bool[] reduced)
    {
        var dims = new List<int>(reduced.Length);
        for (int d = 0; d < reduced.Length; d++)
        {
            if (reduced[d])
            {
                dims.Add(d);
            }
        }
        return dims.ToArray();
    }

    /// <summary>Normalises a list of dims, rejecting repeats; null or empty means every dim.</summary>
    public static bool[] ReducedDims(string op, int[]? dims, int rank)
    {
        var reduced = new bool[rank];
        if (dims is null || dims.Length == 0)
        {
            Array.Fill(reduced, true);
            return reduced;
        }
        foreach (int d in dims)
        {
            int nd = NormalizeDim(op, d, rank);
            if (rank == 0)
            {
                continue;
            }
            if (reduced[nd])
            {
                throw new ArgumentException($"{op}: dim {nd} appears multiple times in the list of dims {Format(dims)}.");
            }
            reduced[nd] = true;
        }
        return reduced;
    }

    public static string Format(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            sb.Append(shape[i]);
        }
        return sb.Append(']').ToString();
    }
}
