using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniTorch.Kernels;

/// <summary>
/// C = A·B (or C += A·B) for float and double, the GotoBLAS/BLIS way: B is cut into KC × NC panels and A into
/// MC × KC blocks, each packed into the strip layout of <see cref="GemmPacking"/> (a B panel stays in L3 and
/// its strips in L1 while an A block stays in L2), and <see cref="GemmMicroKernel"/> computes MR × NR tiles of C
/// from them. A and B are read through arbitrary strides, so transposed operands need no copy; C has unit column
/// stride. The tile is 6 × 2 vectors (<see cref="GemmMicroKernel"/>) on AVX2 and 12 × 2 (<see cref="GemmMicroKernel12"/>)
/// on AVX-512, whose 32 registers hold twice the accumulators. Products with one row or one column go to
/// <see cref="Gemv"/> instead, where packing would only add traffic. Large products are split over
/// <see cref="Parallelism.MaxThreads"/> threads by rows of C (with a large B, the threads packing each B panel together
/// and sharing it, <see cref="GemmSharedPanelJob{T}"/>; with B in one column panel, in up to four row blocks per thread,
/// each thread packing B once for the blocks it takes) or by columns (<see cref="GemmJob{T}"/>; with A in one row block,
/// in up to four column blocks per thread, each thread packing A once). Either way each
/// element of C is computed by the same operations in the same order as on one thread: the result does not depend on
/// the thread count.
/// </summary>
internal static unsafe partial class Gemm
{
    // Elements of B (k × n) from which a row split packs B's panels once for all threads instead of once per thread. In
    // A/B runs on the idle 2-vCPU Xeon, sharing won from 1024² (0.85–0.90 of the time) but lost below: 128³ took 1.45×,
    // 256³ 1.1×, 512³ 1.03–1.06×, the transformer's 1024-row products 1.04–1.08×, as each thread then reads the half
    // of the panel that the other core has just written, from that core's cache.
    private const long SharedPanelMinimum = 1L << 19;

    // Multiply-adds per thread below which a split costs more than it saves. On the 2-core Zen 3, with the worker
    // awake, two threads start to win from about 80³ (and clearly at 96³: 18 µs against 23 µs); a worker that is
    // asleep costs little, as the caller takes its task if it has not started.
    private const long ParallelWorkPerThread = 1L << 18;

    // A split whose shared operand each thread packs once (a row split with B in one column panel, a column split with
    // A in one row block) cuts the product into blocks that the threads claim one at a time: up to this many per
    // thread, each of at least MinBlockWork flops. The thread that ends last leaves the other idle for up to one block,
    // so smaller blocks waste less; below ~2 MFLOP (~20 µs) a block's claim and loops start to show. In-process A/B
    // (ABBA, bits equal), two threads, against the former four blocks per thread of at least four tiles: 512³ faster in
    // 88% of the rounds (p50 208 → 224 GF/s), 384³ in 69% (+4%), 256³ in 67% (+3%); 128³ unchanged (the same two
    // blocks); the transformer, MLP (batch 64 and 256) and 32→64 convolution steps neutral (44–61% of the rounds).
    private const int MaxBlocksPerThread = 8;
    private const long MinBlockWork = 2_000_000;

    /// <summary>
    /// Whether the GEMM may use AVX-512 where the machine has it; tests turn it off to run the AVX2 kernels (6 × 2
    /// tile, AVX2 packing) on an AVX-512 machine. Read once per block, so a change applies from the next call.
    /// </summary>
    internal static bool AllowVector512 { get; set; } = true;

    internal static bool UseVector512 => AllowVector512 && Vector512.IsHardwareAccelerated;

    /// <summary>Rows of C per micro-kernel tile at the width in use.</summary>
    internal static int TileRows => UseVector512 ? GemmMicroKernel12.MR : GemmMicroKernel.MR;

    /// <summary>
    /// C[m × n] (row stride <paramref name="ldc"/>, column stride 1, from <paramref name="cOffset"/>) = A[m × k]·B[k × n],
    /// or C += A·B when <paramref name="accumulate"/>. <paramref name="maxThreads"/> ≤ 0 means <see cref="Parallelism.MaxThreads"/>.
    /// </summary>
    public static void Multiply<T>(int m, int n, int k, StridedMatrix<T> a, StridedMatrix<T> b, T[] c, int cOffset, int ldc,
        bool accumulate = false, int maxThreads = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0)
        {
            return;
        }
        if (k == 0)
        {
            if (!accumulate)
            {
                for (int i = 0; i < m; i++)
                {
                    c.AsSpan(cOffset + i * ldc, n).Clear();
                }
            }
            return;
        }
        int threads = maxThreads > 0 ? maxThreads : Parallelism.MaxThreads;
        if (n == 1)
        {
            Gemv.Multiply(m, k, a, b.Data, b.Offset, b.RowStride, c, cOffset, ldc, accumulate, threads);
            return;
        }
        if (m == 1)
        {
            // A row times B is Bᵀ times a column: the same GEMV.
            Gemv.Multiply(n, k, b.Transposed, a.Data, a.Offset, a.ColStride, c, cOffset, 1, accumulate, threads);
            return;
        }
        long work = (long)m * n * k;
        threads = (int)Math.Clamp(work / ParallelWorkPerThread, 1, threads);
        int nr = 2 * VectorCount<T>();
        int mr = TileRows;
        var job = GemmJob<T>.ForThisThread;
        if (threads == 1)
        {
            job.Set(m, n, k, a, b, c, cOffset, ldc, accumulate);
            job.Execute(0);
            job.Clear();
            return;
        }
        // Split the rows of C in whole tiles, or its columns: a row split makes every thread pack all of B (k × n), a
        // column split all of A (m × k), so split the side that leaves the smaller operand to be packed twice. A
        // Linear layer's forward (batch 64 × 784 by 784 × 256, B a transposed view) packs B in ~120 µs: repeating
        // that on each thread costs more than the split gains.
        if (n < threads * nr || (m >= n && m >= threads * 4 * mr))
        {
            if ((long)k * n >= SharedPanelMinimum)
            {
                // A large B: its panels are packed once, shared by the threads (see GemmSharedPanelJob).
                var shared = GemmSharedPanelJob<T>.ForThisThread;
                shared.Set(m, n, k, a, b, c, cOffset, ldc, accumulate, threads);
                ParallelRunner.Run(shared, threads, threads);
                shared.Clear();
                return;
            }
            job.Set(m, n, k, a, b, c, cOffset, ldc, accumulate);
            BlockSizes<T>(mr, nr, k, out _, out _, out int ncMax);
            int tiles = (m + mr - 1) / mr;
            if (n <= ncMax)
            {
                // B in one column panel (k · n below SharedPanelMinimum here), which each thread packs once for all the
                // row blocks it takes: smaller blocks then cost only their loops, and a thread that starts late or runs
                // slower (its vCPU taken by the host, its operands in the other core's cache) leaves more of them to the others.
                job.SplitRows(Blocks(threads, tiles, 2L * mr * n * k), mr, wholeB: true);
            }
            else
            {
                job.SplitRows(Math.Min(threads, tiles), mr);
            }
        }
        else
        {
            job.Set(m, n, k, a, b, c, cOffset, ldc, accumulate);
            BlockSizes<T>(mr, nr, k, out _, out int mcMax, out _);
            int strips = (n + nr - 1) / nr;
            if (m <= mcMax && (long)m * k < SharedPanelMinimum)
            {
                // A in one row block (all of its K blocks side by side, at most the size from which a row split shares
                // B's panels, so the thread's buffer stays small), packed once per thread for all the column blocks it
                // takes, as B is for a row split.
                job.SplitColumns(Blocks(threads, strips, 2L * nr * m * k), nr, wholeA: true);
            }
            else
            {
                job.SplitColumns(threads, nr);
            }
        }
        ParallelRunner.Run(job, job.Parts, threads);
        job.Clear();
    }

    /// <summary>
    /// How many blocks a split of <paramref name="tiles"/> tiles (row tiles or column strips) of <paramref name="tileWork"/>
    /// flops each makes: up to <see cref="MaxBlocksPerThread"/> per thread, each of at least <see cref="MinBlockWork"/>
    /// flops, one per thread at least.
    /// </summary>
    private static int Blocks(int threads, int tiles, long tileWork)
    {
        long minTiles = Math.Max(1, (MinBlockWork + tileWork - 1) / tileWork);
        return (int)Math.Min(threads * MaxBlocksPerThread, Math.Max(threads, tiles / minTiles));
    }

    /// <summary>Elements per vector of the width the micro-kernel uses on this machine.</summary>
    internal static int VectorCount<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        UseVector512 ? Vector512<T>.Count : Vector256.IsHardwareAccelerated ? Vector256<T>.Count : Vector128<T>.Count;

    /// <summary>C[rows, cols] = (or +=) A[rows, :]·B[:, cols] on the calling thread.</summary>
    internal static void MultiplyBlock<T>(int m0, int m1, int n0, int n1, int k, StridedMatrix<T> a, StridedMatrix<T> b,
        T[] c, int cOffset, int ldc, bool accumulate, long panelB = 0, long panelA = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* ap = a.Data, bp = b.Data, cp = c)
        {
            T* aOrigin = ap + a.Offset + (nint)m0 * a.RowStride;
            T* bOrigin = bp + b.Offset + (nint)n0 * b.ColStride;
            T* cOrigin = cp + cOffset + (nint)m0 * ldc + n0;
            if (UseVector512)
            {
                Blocked<T, Vector512<T>, GemmSimd512<T>>(m1 - m0, n1 - n0, k, aOrigin, a.RowStride, a.ColStride, bOrigin, b.RowStride, b.ColStride, cOrigin, ldc, accumulate, panelB, panelA);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                Blocked<T, Vector256<T>, GemmSimd256<T>>(m1 - m0, n1 - n0, k, aOrigin, a.RowStride, a.ColStride, bOrigin, b.RowStride, b.ColStride, cOrigin, ldc, accumulate, panelB, panelA);
            }
            else
            {
                Blocked<T, Vector128<T>, GemmSimd128<T>>(m1 - m0, n1 - n0, k, aOrigin, a.RowStride, a.ColStride, bOrigin, b.RowStride, b.ColStride, cOrigin, ldc, accumulate, panelB, panelA);
            }
        }
    }

    [SkipLocalsInit]
    private static void Blocked<T, TVec, TSimd>(int m, int n, int k, T* a, nint ars, nint acs, T* b, nint brs, nint bcs,
        T* c, nint ldc, bool accumulate, long panelB, long panelA)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int nr = 2 * TSimd.Count;
        int mr = TSimd.Rows;
        BlockSizes<T>(mr, nr, k, out int kcMax, out int mcMax, out int ncMax);
        int kcBlock = Math.Min(k, kcMax);
        int mcBlock = Math.Min(RoundUp(m, mr), mcMax);
        int ncBlock = Math.Min(RoundUp(n, nr), ncMax);
        // B in one column panel (A in one row block), all of its K blocks side by side, numbered by the caller: a thread
        // that runs several row (column) blocks of one product packs it for the first and reuses it for the others.
        bool wholeB = panelB != 0 && n <= ncMax;
        bool packedB = GemmBuffers<T>.PackedB(wholeB ? panelB : 0, ncBlock * (wholeB ? k : kcBlock), out T* packB);
        bool wholeA = panelA != 0 && m <= mcMax;
        bool packedA = GemmBuffers<T>.PackedA(wholeA ? panelA : 0, mcBlock * (wholeA ? k : kcBlock), out T* packA);
        T* tile = stackalloc T[mr * nr];
        for (int jc = 0; jc < n; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                bool add = accumulate || pc > 0;
                T* blockB = wholeB ? packB + (nint)pc * ncBlock : packB;
                if (!packedB)
                {
                    GemmPacking.PackB<T, TVec, TSimd>(kc, nc, b + pc * brs + jc * bcs, brs, bcs, blockB);
                }
                for (int ic = 0; ic < m; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, m - ic);
                    T* blockA = wholeA ? packA + (nint)pc * mcBlock : packA;
                    if (!packedA)
                    {
                        GemmPacking.PackA<T, TVec, TSimd>(mc, kc, a + ic * ars + pc * acs, ars, acs, blockA);
                    }
                    MacroKernel<T, TVec, TSimd>(mc, nc, kc, blockA, blockB, c + ic * ldc + jc, ldc, add, tile);
                }
            }
        }
    }

    /// <summary>C[mc × nc] = (or += when <paramref name="add"/>) packed A block × packed B panel, tile by tile.</summary>
    internal static void MacroKernel<T, TVec, TSimd>(int mc, int nc, int kc, T* packA, T* packB, T* c, nint ldc, bool add, T* tile)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int nr = 2 * TSimd.Count;
        int mr = TSimd.Rows;
        if (mr == GemmMicroKernel12.MR && nc >= 12 * nr)
        {
            // AVX-512 (L2 of 1–2 MiB), wide panels: row strips outer, so the A strip (12 × KC, 9 KiB) stays in L1 while
            // the B strips stream from the L2-resident panel, and C is walked along its rows, tile after adjacent tile,
            // which the hardware prefetchers follow. The other order walks C down its columns, 12 far-apart rows per
            // tile. Below 384 columns (C's rows closer, a 256-wide C in L2) the other order was faster: 256³ and 128³
            // ran 5% slower this way on one thread in A/B runs, 512³ and up 5–20% faster.
            for (int i = 0; i < mc; i += mr)
            {
                for (int j = 0; j < nc; j += nr)
                {
                    Tile<T, TVec, TSimd>(i, j, mc, nc, kc, packA, packB, c, ldc, add, tile);
                }
            }
        }
        else
        {
            // AVX2 (Zen 3: 512 KiB L2, too small for a B panel), and narrow panels: a B strip (KC × 2 vectors) held in
            // L1 against every A strip of the L2-resident A block.
            for (int j = 0; j < nc; j += nr)
            {
                for (int i = 0; i < mc; i += mr)
                {
                    Tile<T, TVec, TSimd>(i, j, mc, nc, kc, packA, packB, c, ldc, add, tile);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<T, TVec, TSimd>(int i, int j, int mc, int nc, int kc, T* packA, T* packB, T* c, nint ldc, bool add, T* tile)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        int nr = 2 * TSimd.Count;
        int mr = TSimd.Rows;
        int rows = Math.Min(mr, mc - i);
        int cols = Math.Min(nr, nc - j);
        // The last strip is packed one vector wide when that holds its columns (see GemmPacking.PackB).
        bool narrow = cols <= TSimd.Count;
        int width = narrow ? TSimd.Count : nr;
        T* aStrip = packA + i * kc;
        T* bStrip = packB + j * kc;
        T* cTile = c + i * ldc + j;
        if (cols == width && (rows == mr || rows == GemmMicroKernel.MR))
        {
            RunTile<T, TVec, TSimd>(rows, narrow, kc, aStrip, bStrip, cTile, ldc, add);
        }
        else
        {
            // An edge tile: compute the padded tile aside and write back only the part inside C.
            RunTile<T, TVec, TSimd>(rows, narrow, kc, aStrip, bStrip, tile, width, false);
            WriteBack(rows, cols, tile, width, cTile, ldc, add);
        }
    }

    /// <summary>
    /// The micro-kernel for a tile of <paramref name="rows"/> ≤ MR rows and two vectors of columns (one when
    /// <paramref name="narrow"/>), which writes MR rows of <paramref name="c"/> (6 when the tile has at most 6 rows).
    /// With MR = 12, a tile of at most 6 rows is done by a 6-row kernel on the first half of the 12-row strip, so M's last
    /// tile costs at most 6 rows of work, not 12.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void RunTile<T, TVec, TSimd>(int rows, bool narrow, int kc, T* aStrip, T* bStrip, T* c, nint ldc, bool add)
        where T : unmanaged
        where TVec : struct
        where TSimd : IGemmSimd<TVec, T>
    {
        bool twelve = TSimd.Rows == GemmMicroKernel12.MR && rows > GemmMicroKernel.MR;
        if (narrow)
        {
            if (twelve)
            {
                GemmMicroKernelNarrow.Run12<T, TVec, TSimd>(kc, aStrip, TSimd.Rows, bStrip, c, ldc, add);
            }
            else
            {
                GemmMicroKernelNarrow.Run6<T, TVec, TSimd>(kc, aStrip, TSimd.Rows, bStrip, c, ldc, add);
            }
        }
        else if (twelve)
        {
            GemmMicroKernel12.Run<T, TVec, TSimd>(kc, aStrip, bStrip, c, ldc, add);
        }
        else
        {
            GemmMicroKernel.Run<T, TVec, TSimd>(kc, aStrip, TSimd.Rows, bStrip, c, ldc, add);
        }
    }

    private static void WriteBack<T>(int rows, int cols, T* tile, int nr, T* c, nint ldc, bool add)
        where T : unmanaged
    {
        for (int i = 0; i < rows; i++)
        {
            var source = new ReadOnlySpan<T>(tile + i * nr, cols);
            var destination = new Span<T>(c + i * ldc, cols);
            if (add)
            {
                if (typeof(T) == typeof(float))
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(
                        System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(source),
                        System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(destination),
                        System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(destination));
                }
                else
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(
                        System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(source),
                        System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(destination),
                        System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(destination));
                }
            }
            else
            {
                source.CopyTo(destination);
            }
        }
    }
}
