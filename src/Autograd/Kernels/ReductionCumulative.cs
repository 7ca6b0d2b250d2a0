using System.Numerics;

namespace MiniTorch.Kernels;

/// <summary>
/// Cumulative sums along one dim: the dim is moved last and made contiguous, each row is scanned, and the result is
/// laid back in the input's dim order. Float32 accumulates in float64 and rounds each prefix once, as PyTorch's CPU
/// kernel (acc_type double); integers wrap.
/// </summary>
internal static class ReductionCumulative
{
    public static Tensor Cumsum(Tensor x, int dim)
    {
        int rank = x.Rank;
        if (rank == 0 || x.Numel == 0)
        {
            var copy = x.CloneRaw();
            return copy;
        }
        var order = new int[rank];
        int k = 0;
        for (int d = 0; d < rank; d++)
        {
            if (d != dim)
            {
                order[k++] = d;
            }
        }
        order[k] = dim;
        var permuted = Reduction.PermutedContiguous(x, order);
        var scanned = Tensor.Empty(permuted.ShapeArray, x.DType);
        int length = x.ShapeArray[dim];
        switch (x.DType)
        {
            case DType.Float32: ScanFloat(permuted.ContiguousSpan<float>(), scanned.ContiguousSpan<float>(), length); break;
            case DType.Float64: Scan<double>(permuted.ContiguousSpan<double>(), scanned.ContiguousSpan<double>(), length); break;
            case DType.Int64: Scan<long>(permuted.ContiguousSpan<long>(), scanned.ContiguousSpan<long>(), length); break;
            default: throw new NotSupportedException($"Cumsum: the kernel got dtype {x.DType}; this is a bug in MiniTorch's dtype dispatch.");
        }
        permuted.Dispose();
        // Back to the input's dim order: the scanned tensor's stride for each original dim, then one contiguous copy.
        var scannedStrides = scanned.StridesArray;
        var strides = new int[rank];
        for (int p = 0; p < rank; p++)
        {
            strides[order[p]] = scannedStrides[p];
        }
        var result = new Tensor(scanned.Storage, x.ShapeArray.AsSpan().ToArray(), strides, 0).ContiguousOfTemporaryView();
        scanned.Dispose(); // the result is a copy, or a view that keeps the storage
        return result;
    }

    private static void Scan<T>(ReadOnlySpan<T> src, Span<T> dst, int length) where T : unmanaged, INumber<T>
    {
        for (int row = 0; row < src.Length; row += length)
        {
            T s = T.Zero;
            for (int i = row; i < row + length; i++)
            {
                s = unchecked(s + src[i]);
                dst[i] = s;
            }
        }
    }

    private static void ScanFloat(ReadOnlySpan<float> src, Span<float> dst, int length)
    {
        for (int row = 0; row < src.Length; row += length)
        {
            double s = 0;
            for (int i = row; i < row + length; i++)
            {
                s += src[i];
                dst[i] = (float)s;
            }
        }
    }
}
