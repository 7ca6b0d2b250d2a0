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
}

/// <summary>
/// Reductions over any set of dims: the reduced dims are moved last and made contiguous, so each output
/// element reduces one contiguous run with TensorPrimitives.
/// </summary>
internal static class Reduction
{
    public static Tensor Reduce(string op, Tensor x, bool[] reduced, bool keepDim, ReduceKind kind)
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
        if (inner == 0 && kind != ReduceKind.Sum)
        {
            throw new ArgumentException($"{op}: cannot reduce over a dimension of size 0 (shape {Shapes.Format(x.ShapeSpan)}); the operation has no identity.");
        }
        var permuted = new Tensor(x.Storage, Permute(x.ShapeArray, order), Permute(x.StridesArray, order), x.Offset).ContiguousRaw();
        var result = Tensor.Empty(outShape.ToArray(), x.DType);
        if (x.DType == DType.Float32)
        {
            Run<float>(permuted.ContiguousSpan<float>(), result.ContiguousSpan<float>(), inner, kind);
        }
        else
        {
            Run<double>(permuted.ContiguousSpan<double>(), result.ContiguousSpan<double>(), inner, kind);
        }
        return result;
    }

    private static void Run<T>(ReadOnlySpan<T> src, Span<T> dst, int inner, ReduceKind kind) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < dst.Length; o++)
        {
            var run = src.Slice(o * inner, inner);
            dst[o] = kind switch
            {
                ReduceKind.Sum => TensorPrimitives.Sum(run),
                ReduceKind.Max => TensorPrimitives.Max(run),
                ReduceKind.Min => TensorPrimitives.Min(run),
                ReduceKind.ArgMax => T.CreateTruncating(TensorPrimitives.IndexOfMax(run)),
                _ => T.CreateTruncating(TensorPrimitives.IndexOfMin(run)),
            };
        }
    }

    private static int[] Permute(int[] values, int[] order)
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
        var s = (int[])inputShape.Clone();
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
