using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MiniTorch.Kernels;

/// <summary>
/// Sums over a leading or middle dim of a contiguous [outer, rows, inner] block: dst[o, j] = Σ_r src[o, r, j]. Rows are
/// added whole, as vectors along the contiguous inner dim (no per-element index walk and no transposed copy), and
/// accurately: groups of <see cref="GroupRows"/> rows are added in registers, and the group sums pairwise through the
/// same binary counter as <see cref="CascadeSum"/>, with one row buffer per level. Each output column gets the same
/// additions in the same order however the work is split over threads.
/// </summary>
internal static class RowCascadeSum
{
    /// <summary>Rows added in one pass over a column strip; the error of a group is then about 8 u.</summary>
    private const int GroupRows = 8;

    /// <summary>Columns per task when the work is split: whole cache lines, enough to amortise a task.</summary>
    private const int MinColumnsPerTask = 256;

    /// <summary>Below this many elements the sum runs on the calling thread.</summary>
    private const int MinParallelElements = 1 << 16;

    public static void Sum<T>(T[] src, int srcOffset, T[] dst, int dstOffset, int outer, int rows, int inner)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int strips = Math.Max(1, inner / MinColumnsPerTask);
        int stripLength = (inner + strips - 1) / strips;
        stripLength = (stripLength + 15) / 16 * 16;
        strips = (inner + stripLength - 1) / stripLength;
        var job = new Job<T>(src, srcOffset, dst, dstOffset, rows, inner, strips, stripLength);
        long total = (long)outer * rows * inner;
        if (total >= MinParallelElements && Parallelism.MaxThreads > 1 && outer * strips > 1)
        {
            ParallelRunner.Run(job, outer * strips, Parallelism.MaxThreads);
        }
        else
        {
            for (int t = 0; t < outer * strips; t++)
            {
                job.Execute(t);
            }
        }
    }

    private sealed class Job<T>(T[] src, int srcOffset, T[] dst, int dstOffset, int rows, int inner, int strips, int stripLength) : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Execute(int index)
        {
            int o = index / strips;
            int col = index % strips * stripLength;
            int width = Math.Min(stripLength, inner - col);
            SumStrip(src.AsSpan(srcOffset + o * rows * inner + col), dst.AsSpan(dstOffset + o * inner + col, width), rows, inner, width);
        }
    }

    /// <summary>dst[j] = Σ_r src[r·stride + j] for j &lt; width.</summary>
    private static void SumStrip<T>(ReadOnlySpan<T> src, Span<T> dst, int rows, int stride, int width)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows <= GroupRows)
        {
            SumGroup(src, dst, rows, stride, width);
            return;
        }
        int levelCount = 2;
        for (long g = (rows + GroupRows - 1) / GroupRows; g > 1; g >>= 1)
        {
            levelCount++;
        }
        var rented = ArrayPool<T>.Shared.Rent((levelCount + 1) * width);
        try
        {
            var carry = rented.AsSpan(levelCount * width, width);
            long count = 0;
            for (int r = 0; r < rows; r += GroupRows)
            {
                SumGroup(src.Slice(r * stride), carry, Math.Min(GroupRows, rows - r), stride, width, r + 2 * GroupRows <= rows);
                int k = 0;
                for (long c = count; (c & 1) != 0; c >>= 1, k++)
                {
                    TensorPrimitives.Add(rented.AsSpan(k * width, width), carry, carry); // earlier rows on the left
                }
                carry.CopyTo(rented.AsSpan(k * width, width));
                count++;
            }
            bool any = false;
            for (int k = 0; (count >> k) != 0; k++)
            {
                if (((count >> k) & 1) != 0)
                {
                    var level = rented.AsSpan(k * width, width);
                    if (any)
                    {
                        TensorPrimitives.Add(level, dst, dst);
                    }
                    else
                    {
                        level.CopyTo(dst);
                    }
                    any = true;
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// dst[j] = src[j] + src[stride + j] + … over <paramref name="rows"/> ≤ 8 rows, a vector of columns at a time. With
    /// <paramref name="prefetchNext"/> (the next group's rows lie in <paramref name="src"/>), each load is paired with
    /// a prefetch of the same column of the next group: the hardware prefetcher sees eight short interleaved streams
    /// per group and ramps up late on each.
    /// </summary>
    private static unsafe void SumGroup<T>(ReadOnlySpan<T> src, Span<T> dst, int rows, int stride, int width, bool prefetchNext = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T s = ref MemoryMarshal.GetReference(src);
        ref T d = ref MemoryMarshal.GetReference(dst);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            if (prefetchNext && Sse.IsSupported && rows == GroupRows)
            {
                // Pinned only for the prefetch addresses (the loads stay ref-based); src is a slice of a live array.
                fixed (T* p = src)
                {
                    T* next = p + GroupRows * stride;
                    for (; j <= width - Vector512<T>.Count; j += Vector512<T>.Count)
                    {
                        var acc = Vector512.LoadUnsafe(ref s, (nuint)j);
                        Sse.Prefetch0(next + j);
                        for (int r = 1; r < GroupRows; r++)
                        {
                            acc += Vector512.LoadUnsafe(ref s, (nuint)(r * stride + j));
                            Sse.Prefetch0(next + r * stride + j);
                        }
                        acc.StoreUnsafe(ref d, (nuint)j);
                    }
                }
            }
            for (; j <= width - Vector512<T>.Count; j += Vector512<T>.Count)
            {
                var acc = Vector512.LoadUnsafe(ref s, (nuint)j);
                for (int r = 1; r < rows; r++)
                {
                    acc += Vector512.LoadUnsafe(ref s, (nuint)(r * stride + j));
                }
                acc.StoreUnsafe(ref d, (nuint)j);
            }
        }
        if (prefetchNext && Sse.IsSupported && rows == GroupRows && !Vector512.IsHardwareAccelerated)
        {
            fixed (T* p = src)
            {
                T* next = p + GroupRows * stride;
                for (; j <= width - Vector256<T>.Count; j += Vector256<T>.Count)
                {
                    var acc = Vector256.LoadUnsafe(ref s, (nuint)j);
                    Sse.Prefetch0(next + j);
                    for (int r = 1; r < GroupRows; r++)
                    {
                        acc += Vector256.LoadUnsafe(ref s, (nuint)(r * stride + j));
                        Sse.Prefetch0(next + r * stride + j);
                    }
                    acc.StoreUnsafe(ref d, (nuint)j);
                }
            }
        }
        for (; j <= width - Vector256<T>.Count; j += Vector256<T>.Count)
        {
            var acc = Vector256.LoadUnsafe(ref s, (nuint)j);
            for (int r = 1; r < rows; r++)
            {
                acc += Vector256.LoadUnsafe(ref s, (nuint)(r * stride + j));
            }
            acc.StoreUnsafe(ref d, (nuint)j);
        }
        for (; j < width; j++)
        {
            T acc = src[j];
            for (int r = 1; r < rows; r++)
            {
                acc += src[r * stride + j];
            }
            dst[j] = acc;
        }
    }
}
