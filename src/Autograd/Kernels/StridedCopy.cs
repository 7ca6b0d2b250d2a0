namespace MiniTorch.Kernels;

/// <summary>Copies between arbitrarily strided layouts of the same shape: the one general indexer.</summary>
internal static class StridedCopy
{
    public static void Copy<T>(T[] src, int srcOffset, int[] srcStrides, T[] dst, int dstOffset, int[] dstStrides, int[] shape)
    {
        int n = Shapes.Numel(shape);
        if (n == 0)
        {
            return;
        }
        int rank = shape.Length;
        if (rank == 0)
        {
            dst[dstOffset] = src[srcOffset];
            return;
        }
        (shape, srcStrides, dstStrides) = StridedDims.Coalesce(shape, srcStrides, dstStrides);
        rank = shape.Length;
        int p = TiledTranspose.FindContiguousSourceDim(shape, srcStrides, dstStrides);
        if (p >= 0)
        {
            TiledTranspose.Copy(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape, p);
            return;
        }
        int inner = shape[rank - 1];
        bool parallel = !ReferenceEquals(src, dst) && ParallelElementwise.ChunkCount(n) > 1;
        if (rank == 1 && parallel)
        {
            // One row: a broadcast scalar made contiguous (the gradient of a sum, [32, 64, 16, 16] before a
            // convolution's backward, was 2.5% of that step's main thread, filled serially) or a strided gather.
            ParallelElementwise.For(n, new CopyRun<T>(src, srcOffset, srcStrides[0], dst, dstOffset, dstStrides[0]));
            return;
        }
        var rows = new CopyRows<T>(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape);
        if (n / inner > 1 && parallel)
        {
            // A permuted copy ([b, t, h, d] from [b, h, t, d] before a reshape, 1.5% of the transformer step on one
            // core): rows split over the cores. Source and destination are apart, so the order does not matter.
            ParallelElementwise.ForRows(n / inner, inner, rows);
            return;
        }
        rows.Run(0, n / inner);
    }

    /// <summary>Elements [start, start + count) of a one-dimensional strided copy.</summary>
    private readonly struct CopyRun<T>(T[] src, int srcOffset, int srcStride, T[] dst, int dstOffset, int dstStride) : IChunkBody
    {
        public void Run(int start, int count) =>
            CopyRow(src, srcOffset + start * srcStride, srcStride, dst, dstOffset + start * dstStride, dstStride, count);
    }

    /// <summary>Rows [start, start + count) of a strided copy, each found from its own index (any thread may take any range).</summary>
    private readonly struct CopyRows<T>(T[] src, int srcOffset, int[] srcStrides, T[] dst, int dstOffset, int[] dstStrides, int[] shape) : IChunkBody
    {
        public void Run(int start, int count)
        {
            int rank = shape.Length;
            int inner = shape[rank - 1];
            int si = srcStrides[rank - 1];
            int di = dstStrides[rank - 1];
            Span<int> counter = rank <= 16 ? stackalloc int[rank] : new int[rank];
            int so = srcOffset;
            int dof = dstOffset;
            StridedDims.StartRow(start, counter, shape, srcStrides, dstStrides, ref so, ref dof);
            for (int o = 0; o < count; o++)
            {
                CopyRow(src, so, si, dst, dof, di, inner);
                StridedDims.NextRow(counter, shape, srcStrides, dstStrides, ref so, ref dof);
            }
        }
    }

    /// <summary>dst[dof + j·di] = src[so + j·si] for j &lt; length: a copy, a fill from a broadcast element, or a gather.</summary>
    private static void CopyRow<T>(T[] src, int so, int si, T[] dst, int dof, int di, int length)
    {
        if (si == 1 && di == 1)
        {
            src.AsSpan(so, length).CopyTo(dst.AsSpan(dof, length));
        }
        else if (si == 0 && di == 1)
        {
            dst.AsSpan(dof, length).Fill(src[so]);
        }
        else
        {
            for (int j = 0; j < length; j++)
            {
                dst[dof + j * di] = src[so + j * si];
            }
        }
    }

    /// <summary>Copies the elements of <paramref name="src"/> into <paramref name="dst"/>'s layout (same shape and dtype, any dtype).</summary>
    public static void Copy(Tensor src, Tensor dst)
    {
        if (src.DType != dst.DType)
        {
            throw new InvalidOperationException($"StridedCopy: source is {src.DType} but destination is {dst.DType}; convert with To(DType) first (a bug in the caller).");
        }
        switch (src.DType)
        {
            case DType.Float32: Copy<float>(src, dst); break;
            case DType.Float64: Copy<double>(src, dst); break;
            case DType.Int64: Copy<long>(src, dst); break;
            case DType.Int32: Copy<int>(src, dst); break;
            case DType.Bool: Copy<bool>(src, dst); break;
            case DType.UInt8: Copy<byte>(src, dst); break;
            case DType.Float16: Copy<Half>(src, dst); break;
            case DType.BFloat16: Copy<BFloat16>(src, dst); break;
            default: throw new NotSupportedException($"StridedCopy: {(int)src.DType} is not a MiniTorch dtype.");
        }
    }

    private static void Copy<T>(Tensor src, Tensor dst) where T : unmanaged =>
        Copy(src.Data<T>(), src.Offset, src.StridesArray, dst.Data<T>(), dst.Offset, dst.StridesArray, dst.ShapeArray);

    /// <summary>Visits the storage offsets of every element of a strided layout in row-major order.</summary>
    public static int[] Offsets(int[] shape, int[] strides, int offset)
    {
        int n = Shapes.Numel(shape);
        var result = new int[n];
        if (n == 0)
        {
            return result;
        }
        int rank = shape.Length;
        var counter = new int[rank];
        int cur = offset;
        for (int i = 0; i < n; i++)
        {
            result[i] = cur;
            for (int d = rank - 1; d >= 0; d--)
            {
                counter[d]++;
                cur += strides[d];
                if (counter[d] < shape[d])
                {
                    break;
                }
                cur -= strides[d] * shape[d];
                counter[d] = 0;
            }
        }
        return result;
    }
}
