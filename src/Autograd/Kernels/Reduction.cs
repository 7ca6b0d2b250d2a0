using System.Numerics;
using System.Numerics.Tensors;

namespace MiniTorch.Kernels;

/// <summary>What a reduction computes over each group of reduced elements.</summary>
internal enum ReduceKind
{
    Sum,
    Max,
    Min,
    ArgMax,
    ArgMin,

    /// <summary>The Euclidean norm, √Σx², accurate and free of overflow and underflow in the squares.</summary>
    Norm2,
}

/// <summary>
/// Reductions over any set of dims. Sums over one consecutive block of dims read the input in place (contiguous runs
/// or whole rows, always with the accurate cascade of <see cref="CascadeSum"/>); otherwise the reduced dims are moved
/// last and made contiguous, so each output element reduces one contiguous run.
/// </summary>
internal static class Reduction
{
    public static Tensor Reduce(string op, Tensor x, bool[] reduced, bool keepDim, ReduceKind kind)
    {
        var (order, outShape, inner) = ReducedDimsLast(x, reduced, keepDim);
        if (inner == 0 && kind is not (ReduceKind.Sum or ReduceKind.Norm2))
        {
            throw new ArgumentException($"{op}: cannot reduce over a dimension of size 0 (shape {Shapes.Format(x.ShapeSpan)}); the operation has no identity.");
        }
        var result = Tensor.Empty(outShape, x.DType);
        if (kind == ReduceKind.Sum && (TrySumInOrder(x, reduced, result) || KeptBlockSum.TrySum(x, reduced, result)))
        {
            return result;
        }
        var permuted = PermutedContiguous(x, order);
        if (x.DType == DType.Float32)
        {
            Run<float>(permuted.ContiguousSpan<float>(), result.ContiguousSpan<float>(), inner, kind);
        }
        else
        {
            Run<double>(permuted.ContiguousSpan<double>(), result.ContiguousSpan<double>(), inner, kind);
        }
        permuted.Dispose();
        return result;
    }

    /// <summary>
    /// The layout that moves the reduced dims last: the permutation (kept dims, then reduced dims, each in order), the
    /// output shape (reduced dims as 1 with <paramref name="keepDim"/>, else dropped) and the length of each reduced run.
    /// </summary>
    internal static (int[] Order, int[] OutShape, int Inner) ReducedDimsLast(Tensor x, bool[] reduced, bool keepDim)
    {
        int rank = x.Rank;
        var order = new int[rank];
        var outShape = new List<int>(rank);
        int k = 0;
        int inner = 1;
        for (int d = 0; d < rank; d++)
        {
            if (!reduced[d])
            {
                order[k++] = d;
            }
        }
        for (int d = 0; d < rank; d++)
        {
            if (reduced[d])
            {
                order[k++] = d;
                inner *= x.ShapeArray[d];
                if (keepDim)
                {
                    outShape.Add(1);
                }
            }
            else
            {
                outShape.Add(x.ShapeArray[d]);
            }
        }
        return (order, outShape.ToArray(), inner);
    }

    /// <summary>
    /// <paramref name="x"/> with its dims in <paramref name="order"/>, contiguous (each reduced run then contiguous): a
    /// copy, or a view of x's storage where the order changes no layout. The caller disposes it after reading it, so
    /// neither the copy nor the view keeps memory from the pool.
    /// </summary>
    internal static Tensor PermutedContiguous(Tensor x, int[] order) =>
        new Tensor(x.Storage, Permute(x.ShapeArray, order), Permute(x.StridesArray, order), x.Offset).ContiguousOfTemporaryView();

    /// <summary>
    /// Sums without moving the reduced dims last when they are one consecutive block of the (contiguous) layout,
    /// [outer, rows, inner]: a trailing block sums contiguous runs, a leading or middle one adds whole rows.
    /// Returns false for other layouts (reduced dims apart), which the permuted copy handles.
    /// </summary>
    private static bool TrySumInOrder(Tensor x, bool[] reduced, Tensor result)
    {
        int first = -1, last = -1;
        for (int d = 0; d < x.Rank; d++)
        {
            if (reduced[d] && x.ShapeArray[d] != 1)
            {
                first = first < 0 ? d : first;
                last = d;
            }
        }
        for (int d = first + 1; d < last; d++)
        {
            if (!reduced[d] && x.ShapeArray[d] != 1)
            {
                return false;
            }
        }
        int outer = 1, rows = 1, inner = 1;
        for (int d = 0; d < x.Rank; d++)
        {
            int n = x.ShapeArray[d];
            if (first >= 0 && d >= first && d <= last)
            {
                rows *= n;
            }
            else if (first >= 0 && d > last)
            {
                inner *= n;
            }
            else
            {
                outer *= n;
            }
        }
        var c = x.ContiguousRaw();
        if (x.DType == DType.Float32)
        {
            SumInOrder(c.Data<float>(), c.Offset, result.Data<float>(), result.Offset, outer, rows, inner);
        }
        else
        {
            SumInOrder(c.Data<double>(), c.Offset, result.Data<double>(), result.Offset, outer, rows, inner);
        }
        c.DisposeIfCopyOf(x);
        return true;
    }

    private static void SumInOrder<T>(T[] src, int srcOffset, T[] dst, int dstOffset, int outer, int rows, int inner)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows == 0 || outer * inner == 0)
        {
            dst.AsSpan(dstOffset, outer * inner).Clear(); // an empty sum is 0, as in PyTorch
        }
        else if (inner > 1)
        {
            RowCascadeSum.Sum(src, srcOffset, dst, dstOffset, outer, rows, inner);
        }
        else if (outer == 1)
        {
            dst[dstOffset] = CascadeSum.Sum(src, srcOffset, rows);
        }
        else
        {
            RunSums.Sum(src, srcOffset, dst, dstOffset, outer, rows);
        }
    }

    private static void Run<T>(ReadOnlySpan<T> src, Span<T> dst, int inner, ReduceKind kind) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < dst.Length; o++)
        {
            var run = src.Slice(o * inner, inner);
            dst[o] = kind switch
            {
                ReduceKind.Sum => CascadeSum.Sum<T, ValueTerm<T>>(new ValueTerm<T>(run), run.Length),
                ReduceKind.Max => TensorPrimitives.Max(run),
                ReduceKind.Min => TensorPrimitives.Min(run),
                ReduceKind.Norm2 => Norm2(run),
                ReduceKind.ArgMax => T.CreateTruncating(TensorPrimitives.IndexOfMax(run)),
                _ => T.CreateTruncating(TensorPrimitives.IndexOfMin(run)),
            };
        }
    }

    /// <summary>
    /// √Σx² with the cascade sum. Where the largest |x| is so large that the squares overflow, or so small that they
    /// underflow, the elements are scaled by a power of two (exact) first, as LAPACK's nrm2 does.
    /// </summary>
    private static T Norm2<T>(ReadOnlySpan<T> run) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (run.IsEmpty)
        {
            return T.Zero;
        }
        T amax = T.Abs(TensorPrimitives.MaxMagnitude(run));
        if (!T.IsFinite(amax) || T.IsZero(amax))
        {
            return amax; // NaN, +∞ or 0: the norm itself
        }
        // The squares of the safe range and their sum over 2³¹ terms stay normal and finite.
        int safe = typeof(T) == typeof(float) ? 48 : 480;
        int exponent = T.ILogB(amax);
        if (exponent >= -safe && exponent <= safe)
        {
            return T.Sqrt(CascadeSum.Sum<T, ProductTerm<T>>(new ProductTerm<T>(run, run), run.Length));
        }
        // 2^−exponent itself must be finite: for a subnormal largest element, the biggest power of two will do.
        exponent = Math.Max(exponent, typeof(T) == typeof(float) ? -127 : -1023);
        var scaled = CascadeSum.Sum<T, ScaledSquareTerm<T>>(new ScaledSquareTerm<T>(run, T.ScaleB(T.One, -exponent)), run.Length);
        return T.ScaleB(T.Sqrt(scaled), exponent);
    }

    internal static int[] Permute(int[] values, int[] order)
    {
        var r = new int[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            r[i] = values[order[i]];
        }
        return r;
    }

    /// <summary>The shape a reduced result has with keepDim, for broadcasting a gradient back over the input.</summary>
    public static int[] KeptShape(int[] inputShape, bool[] reduced)
    {
        var s = inputShape.AsSpan().ToArray();
        for (int d = 0; d < s.Length; d++)
        {
            if (reduced[d])
            {
                s[d] = 1;
            }
        }
        return s;
    }
}
