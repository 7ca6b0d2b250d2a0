namespace MiniTorch.Kernels;

/// <summary>
/// Walking two strided operands of one shape row by row: their dims coalesced into the fewest that keep the element
/// order, the offsets of the next row, and a strided row gathered into a buffer. Shared by the strided copy and the
/// broadcasting elementwise kernels.
/// </summary>
internal static class StridedDims
{
    /// <summary>
    /// Drops dims of size 1 (their strides step nowhere) and merges adjacent dims that both operands step through as
    /// one (the outer stride is the inner one times the inner size, as for a contiguous run or a broadcast 0): the same
    /// elements in the same order, in longer rows. A per-channel operand [1, C, 1, 1] against [N, C, H, W] then runs
    /// rows of H·W instead of W, and a [N, 1] gradient expanded from a scalar (strides [0, 1]) one row of N instead of
    /// N rows of one element. Returns the arguments themselves when nothing merges.
    /// </summary>
    public static (int[] Shape, int[] StridesA, int[] StridesB) Coalesce(int[] shape, int[] sa, int[] sb)
    {
        int rank = shape.Length;
        Span<int> size = rank <= 16 ? stackalloc int[rank] : new int[rank];
        Span<int> strideA = rank <= 16 ? stackalloc int[rank] : new int[rank];
        Span<int> strideB = rank <= 16 ? stackalloc int[rank] : new int[rank];
        // Built from the innermost dim outwards: entry d is the current outermost merged dim.
        int d = 0;
        (size[0], strideA[0], strideB[0]) = (shape[rank - 1], sa[rank - 1], sb[rank - 1]);
        for (int k = rank - 2; k >= 0; k--)
        {
            if (shape[k] == 1)
            {
                continue;
            }
            if (size[d] == 1)
            {
                (size[d], strideA[d], strideB[d]) = (shape[k], sa[k], sb[k]);
            }
            else if ((long)sa[k] == (long)strideA[d] * size[d] && (long)sb[k] == (long)strideB[d] * size[d])
            {
                size[d] *= shape[k];
            }
            else
            {
                d++;
                (size[d], strideA[d], strideB[d]) = (shape[k], sa[k], sb[k]);
            }
        }
        if (d == rank - 1)
        {
            return (shape, sa, sb);
        }
        var newShape = new int[d + 1];
        var newA = new int[d + 1];
        var newB = new int[d + 1];
        for (int i = 0; i <= d; i++)
        {
            (newShape[d - i], newA[d - i], newB[d - i]) = (size[i], strideA[i], strideB[i]);
        }
        return (newShape, newA, newB);
    }

    /// <summary>
    /// Sets <paramref name="counter"/> to the multi-index of row <paramref name="row"/> over the dims before the last
    /// (last of them fastest, as <see cref="NextRow"/> steps) and moves the operands' offsets there.
    /// </summary>
    public static void StartRow(int row, Span<int> counter, int[] shape, int[] sa, int[] sb, ref int oa, ref int ob)
    {
        counter.Clear();
        for (int k = shape.Length - 2; k >= 0; k--)
        {
            counter[k] = row % shape[k];
            row /= shape[k];
            oa += counter[k] * sa[k];
            ob += counter[k] * sb[k];
        }
    }

    /// <summary>
    /// Steps the multi-index <paramref name="counter"/> over the dims before the last (an odometer, last of them
    /// fastest) and the two operands' offsets with it, to the next row.
    /// </summary>
    public static void NextRow(Span<int> counter, int[] shape, int[] sa, int[] sb, ref int oa, ref int ob)
    {
        for (int k = shape.Length - 2; k >= 0; k--)
        {
            counter[k]++;
            oa += sa[k];
            ob += sb[k];
            if (counter[k] < shape[k])
            {
                return;
            }
            oa -= sa[k] * shape[k];
            ob -= sb[k] * shape[k];
            counter[k] = 0;
        }
    }

    /// <summary>A row of <paramref name="inner"/> elements: the storage itself when unit-stride, else gathered into <paramref name="buffer"/>.</summary>
    public static ReadOnlySpan<T> Row<T>(T[] data, int offset, int stride, int inner, T[]? buffer)
    {
        if (stride == 1)
        {
            return data.AsSpan(offset, inner);
        }
        for (int j = 0; j < inner; j++)
        {
            buffer![j] = data[offset + j * stride];
        }
        return buffer;
    }
}
