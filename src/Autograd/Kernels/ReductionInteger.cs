using System.Numerics;
using System.Runtime.InteropServices;

namespace MiniTorch.Kernels;

/// <summary>What an integer or bool reduction computes over each group of reduced elements.</summary>
internal enum IntegerReduceKind
{
    Sum,
    Prod,
    Max,
    Min,

    /// <summary>Whether any element is true (Bool input).</summary>
    Any,

    /// <summary>Whether every element is true (Bool input).</summary>
    All,
}

/// <summary>
/// Reductions of integer and bool tensors over any set of dims: the reduced dims are moved last and made contiguous,
/// so each output element reduces one contiguous run. Sums and products wrap, as PyTorch's Int64 accumulation does.
/// </summary>
internal static class ReductionInteger
{
    /// <summary>Reduces <paramref name="x"/> (Int64, Int32 or UInt8; Bool for Any/All and for Max/Min, read as 0/1) into a tensor of its dtype.</summary>
    public static Tensor Reduce(string op, Tensor x, bool[] reduced, bool keepDim, IntegerReduceKind kind)
    {
        var (order, outShape, inner) = Reduction.ReducedDimsLast(x, reduced, keepDim);
        if (inner == 0 && kind is IntegerReduceKind.Max or IntegerReduceKind.Min)
        {
            throw new ArgumentException($"{op}: cannot reduce over a dimension of size 0 (shape {Shapes.Format(x.ShapeSpan)}); the operation has no identity.");
        }
        var result = Tensor.Empty(outShape, x.DType);
        var permuted = Reduction.PermutedContiguous(x, order);
        switch (x.DType)
        {
            case DType.Int64: Run<long>(permuted.ContiguousSpan<long>(), result.ContiguousSpan<long>(), inner, kind); break;
            case DType.Int32: Run<int>(permuted.ContiguousSpan<int>(), result.ContiguousSpan<int>(), inner, kind); break;
            case DType.UInt8: Run<byte>(permuted.ContiguousSpan<byte>(), result.ContiguousSpan<byte>(), inner, kind); break;
            case DType.Bool:
                Run<byte>(MemoryMarshal.Cast<bool, byte>(permuted.ContiguousSpan<bool>()), MemoryMarshal.Cast<bool, byte>(result.ContiguousSpan<bool>()), inner, kind);
                break;
            default: throw new NotSupportedException($"{op}: the integer reduction got dtype {x.DType}; this is a bug in MiniTorch's dtype dispatch.");
        }
        permuted.Dispose();
        return result;
    }

    private static void Run<T>(ReadOnlySpan<T> src, Span<T> dst, int inner, IntegerReduceKind kind) where T : unmanaged, IBinaryInteger<T>
    {
        for (int o = 0; o < dst.Length; o++)
        {
            var run = src.Slice(o * inner, inner);
            dst[o] = kind switch
            {
                IntegerReduceKind.Sum => Sum(run),
                IntegerReduceKind.Prod => Prod(run),
                IntegerReduceKind.Max => Max(run),
                IntegerReduceKind.Min => Min(run),
                IntegerReduceKind.Any => run.IndexOfAnyExcept(T.Zero) >= 0 ? T.One : T.Zero,
                _ => run.IndexOf(T.Zero) < 0 ? T.One : T.Zero,
            };
        }
    }

    private static T Sum<T>(ReadOnlySpan<T> run) where T : unmanaged, IBinaryInteger<T>
    {
        T s = T.Zero;
        for (int i = 0; i < run.Length; i++)
        {
            s = unchecked(s + run[i]);
        }
        return s;
    }

    private static T Prod<T>(ReadOnlySpan<T> run) where T : unmanaged, IBinaryInteger<T>
    {
        T p = T.One;
        for (int i = 0; i < run.Length; i++)
        {
            p = unchecked(p * run[i]);
        }
        return p;
    }

    private static T Max<T>(ReadOnlySpan<T> run) where T : unmanaged, IBinaryInteger<T>
    {
        T m = run[0];
        for (int i = 1; i < run.Length; i++)
        {
            m = T.Max(m, run[i]);
        }
        return m;
    }

    private static T Min<T>(ReadOnlySpan<T> run) where T : unmanaged, IBinaryInteger<T>
    {
        T m = run[0];
        for (int i = 1; i < run.Length; i++)
        {
            m = T.Min(m, run[i]);
        }
        return m;
    }
}
