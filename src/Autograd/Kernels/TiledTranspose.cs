namespace MiniTorch.Kernels;

/// <summary>
/// Copies where the destination's last dim is contiguous but the source walks it with a stride, while another dim
/// of the source is contiguous: a transposed or permuted copy (<c>x.T.Contiguous()</c>, a permuted operand made
/// contiguous). Copying row by row would read one element per cache line of the source; copying 32×32 tiles reads
/// and writes whole cache lines, and within a tile whole 8×8 (4-byte elements) or 4×4 (8-byte) blocks move through
/// AVX register transposes. Tiles of different rows are split over the cores.
/// </summary>
internal static class TiledTranspose
{
    private const int Tile = 32;

    /// <summary>Below this many elements the copy runs on the calling thread.</summary>
    private const int MinParallelElements = 1 << 16;

    /// <summary>
    /// The source dim that is contiguous when the copy is a transpose-like one worth tiling, or −1: the destination's
    /// last dim must be unit-stride and the source's not, and some other source dim must be unit-stride.
    /// </summary>
    public static int FindContiguousSourceDim(int[] shape, int[] srcStrides, int[] dstStrides)
    {
        int last = shape.Length - 1;
        if (last < 1 || dstStrides[last] != 1 || srcStrides[last] == 1 || shape[last] < 8)
        {
            return -1;
        }
        for (int d = last - 1; d >= 0; d--)
        {
            if (srcStrides[d] == 1 && shape[d] >= 8)
            {
                return d;
            }
        }
        return -1;
    }

    public static void Copy<T>(T[] src, int srcOffset, int[] srcStrides, T[] dst, int dstOffset, int[] dstStrides, int[] shape, int p)
    {
        int last = shape.Length - 1;
        int rows = shape[p];
        int cols = shape[last];
        // The other dims, walked as a batch of [rows, cols] matrices.
        int batch = 1;
        for (int d = 0; d < last; d++)
        {
            batch *= d == p ? 1 : shape[d];
        }
        int rowTiles = (rows + Tile - 1) / Tile;
        var job = new Job<T>(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape, p, rowTiles);
        int tasks = batch * rowTiles;
        if ((long)batch * rows * cols >= MinParallelElements && Parallelism.MaxThreads > 1 && tasks > 1)
        {
            ParallelRunner.Run(job, tasks, Parallelism.MaxThreads);
        }
        else
        {
            for (int t = 0; t < tasks; t++)
            {
                job.Execute(t);
            }
        }
    }

    private sealed class Job<T>(T[] src, int srcOffset, int[] srcStrides, T[] dst, int dstOffset, int[] dstStrides, int[] shape, int p, int rowTiles) : IParallelWork
    {
        public void Execute(int index)
        {
            int last = shape.Length - 1;
            int b = index / rowTiles;
            int r0 = index % rowTiles * Tile;
            // Offsets of batch matrix b: its index decomposed over the dims other than p and the last, row-major.
            int so = srcOffset;
            int dof = dstOffset;
            for (int d = last - 1; d >= 0; d--)
            {
                if (d == p)
                {
                    continue;
                }
                int i = b % shape[d];
                b /= shape[d];
                so += i * srcStrides[d];
                dof += i * dstStrides[d];
            }
            int rows = Math.Min(Tile, shape[p] - r0);
            int cols = shape[last];
            int srcCol = srcStrides[last];
            int dstRow = dstStrides[p];
            int v = AvxTranspose.BlockSize<T>();
            for (int c0 = 0; c0 < cols; c0 += Tile)
            {
                int c1 = Math.Min(cols, c0 + Tile);
                // Whole v×v blocks through register transposes; the rest of the tile (its last rows and columns, or all
                // of it where there is no transpose for this element size) by element.
                int rVec = v == 0 ? r0 : r0 + rows / v * v;
                int cVec = v == 0 ? c0 : c0 + (c1 - c0) / v * v;
                if (rVec > r0 && cVec > c0)
                {
                    AvxTranspose.CopyBlocks(src, so, srcCol, dst, dof, dstRow, r0, rVec, c0, cVec);
                }
                CopyElements(so, srcCol, dof, dstRow, r0, r0 + rows, cVec, c1);
                CopyElements(so, srcCol, dof, dstRow, rVec, r0 + rows, c0, cVec);
            }
        }

        /// <summary>dst[dof + r·dstRow + c] = src[so + r + c·srcCol] for r in [r0, r1), c in [c0, c1).</summary>
        private void CopyElements(int so, int srcCol, int dof, int dstRow, int r0, int r1, int c0, int c1)
        {
            for (int r = r0; r < r1; r++)
            {
                int s = so + r + c0 * srcCol; // the source's dim p is unit-stride
                int t = dof + r * dstRow;
                for (int c = c0; c < c1; c++, s += srcCol)
                {
                    dst[t + c] = src[s];
                }
            }
        }
    }
}
