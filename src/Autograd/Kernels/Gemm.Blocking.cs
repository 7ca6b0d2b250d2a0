namespace MiniTorch.Kernels;

/// <summary>How the GEMM cuts a product into the K, M and N blocks that its caches hold.</summary>
internal static unsafe partial class Gemm
{
    /// <summary>
    /// The block sizes for a tile of <paramref name="mr"/> rows and <paramref name="nr"/> columns and a product of depth
    /// <paramref name="k"/>: <paramref name="kcMax"/> is the step of the K blocks (all of them that long but the last, and
    /// a whole number of NR / 2 vectors), <paramref name="mcMax"/> and <paramref name="ncMax"/> the largest row block of A
    /// and column panel of B. Every caller that walks K (the GEMM, the shared-panel split, the prepacked weight, the
    /// batched convolution kernels) takes its step from here, so all of them add C's K blocks at the same boundaries and
    /// their results stay bit-identical.
    /// </summary>
    internal static void BlockSizes<T>(int mr, int nr, int k, out int kcMax, out int mcMax, out int ncMax)
        where T : unmanaged
    {
        // KC: a packed B strip (KC × NR) fills half of a 32 KiB L1 (AVX2), or 24 KiB of the 48 KiB L1 of an AVX-512
        // Xeon (KC = 192 floats: the 12 × KC A strip adds 9 KiB). MC: an A block (MC × KC) about a third of a 512 KiB
        // L2 (168 × 256 floats, BLIS's choice for AVX2 cores). NC: a B panel (KC × NC) about 2 MiB of L3.
        kcMax = (mr == GemmMicroKernel12.MR ? KcBudget512 : KcBudget) / (nr * sizeof(T));
        int blocks = (k + kcMax - 1) / kcMax;
        if (blocks > 1)
        {
            // K in blocks of (nearly) equal depth, not full blocks and a short remainder: every block reads and writes
            // its C tiles once, and a 64-deep remainder (k = 256 or 1024 with KC = 192) pays that for a third of the
            // work. In-process A/B on the AVX-512 Xeon (ABBA, old and new blocking): 256³ on one and two threads and
            // 1024³ on two faster in 56–63% of the rounds (p50 +0.6–1.3%), 1024³ on one in 47% (−1.4%): a small gain at
            // most; 2048³ keeps its blocks. The step stays a whole number of vectors (NR / 2), as the full KC is: A's
            // packing transposes whole vectors of k, and the batched weight gradient loads each K block of its columns
            // in whole vectors, so a block that ended mid-vector would read past its masks.
            kcMax = RoundUp((k + blocks - 1) / blocks, nr / 2);
        }
        mcMax = Math.Max(mr, 172032 / (kcMax * sizeof(T)) / mr * mr);
        ncMax = Math.Max(nr, (mr == GemmMicroKernel12.MR ? PanelBudget512 : PanelBudget) / (kcMax * sizeof(T)) / nr * nr);
    }

    // Bytes of L1 a packed B strip (KC × NR) may fill; KC follows from it. On the AVX-512 path, A/B runs in one process
    // on the Xeon (48 KiB L1) with main's 6 × 2 kernel: KC = 192 (24 KiB) took 0.84–1.01, mostly 0.95–0.99, of
    // KC = 128's time on products with k ≥ 256 (docs/benchmarks.md, GEMM branch section).
    private const int KcBudget = 16384;
    private const int KcBudget512 = 24576;

    // Bytes of a packed B panel (KC × NC): 2 MiB of L3 on the AVX2 path; on the AVX-512 path, whose macro-kernel
    // streams the panel from L2 (see MacroKernel), 1 MiB of a 2 MiB L2. NC only sets which columns share a panel, so
    // it changes no result.
    private const int PanelBudget = 2097152;
    private const int PanelBudget512 = 1048576;

    internal static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
