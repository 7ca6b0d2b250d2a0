using System.Numerics;
using System.Runtime.Intrinsics;
using MiniTorch.Kernels;

namespace MiniTorch.Tests.Kernels;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GemmWidthCollection
{
    public const string Name = "GEMM vector width";
}

/// <summary>
/// The GEMM's two tile shapes (12 × 2 vectors with AVX-512, 6 × 2 with AVX2) and their packing, on sizes around
/// the tile edges: M around 6, 12 and their multiples (the last tile of at most 6 rows takes the 6-row kernel on the
/// AVX-512 path), N around one and two vectors (a last strip of at most one vector takes the one-vector kernels, both
/// exactly full and partial), K around the 8-wide (float) and 4-wide (double) transposes of the packing, with A row-major (packed by register transposes), column-major (packed
/// by vector copies) and strided (scalar), accumulate on and off, float32 and float64. Each test runs once with
/// AVX-512 allowed and once with <see cref="Gemm.AllowVector512"/> off, which forces the AVX2 kernels on an AVX-512
/// machine (on a machine without AVX-512 both runs take the AVX2 path). The switch is global, so this class runs
/// alone (its own collection without parallelisation). Checked by <see cref="GemmTests.Check"/>'s error bound.
/// </summary>
[Collection(GemmWidthCollection.Name)]
public class GemmTileTests
{
    private static readonly int[] EdgeRows = [1, 5, 6, 7, 11, 12, 13, 18, 25];
    private static readonly int[] EdgeColumns = [7, 15, 16, 17, 31, 33];
    private static readonly int[] EdgeDepths = [3, 9, 37];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Float_TileEdges(bool allowVector512) => WithWidth(allowVector512, CheckEdges<float>);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Double_TileEdges(bool allowVector512) => WithWidth(allowVector512, CheckEdges<double>);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BlockEdgesAndThreads(bool allowVector512) => WithWidth(allowVector512, () =>
    {
        // Crossing KC, MC and NC, split over two threads by rows and by columns.
        foreach (var (m, k, n) in new[] { (130, 300, 40), (61, 257, 97), (3, 5, 2100), (257, 129, 300), (300, 100, 20) })
        {
            foreach (var la in Enum.GetValues<GemmTests.Layout>())
            {
                GemmTests.Check<float>(m, k, n, la, GemmTests.Layout.ColumnMajor, 2, accumulate: false);
                GemmTests.Check<double>(m, k, n, la, GemmTests.Layout.RowMajor, 1, accumulate: true);
            }
        }
    });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ThreadCount_DoesNotChangeABit(bool allowVector512) => WithWidth(allowVector512, () =>
    {
        // Row splits with a shared B panel (k·n ≥ 2¹⁹; several KC panels, and several NC panels for the 1400-wide
        // product on the AVX-512 path), row splits that pack B per thread, and a column split (M < N), accumulating
        // and not: every element of C must come out identical on 1, 2 and 3 threads, as each is computed by the same
        // operations in the same order.
        SameOnAllThreadCounts<float>(1400, 400, 1400, accumulate: false);
        SameOnAllThreadCounts<double>(800, 700, 760, accumulate: true);
        SameOnAllThreadCounts<float>(500, 450, 300, accumulate: false);
        SameOnAllThreadCounts<float>(700, 400, 40, accumulate: true);
        SameOnAllThreadCounts<float>(130, 300, 700, accumulate: false);
        SameOnAllThreadCounts<double>(300, 500, 290, accumulate: true);
    });

    [Fact]
    public void SharedPanelSplit_CalledInsideAParallelRun_RunsItsTasksInTurn()
    {
        // A two-thread row split made while ParallelRunner is busy (here: from both tasks of a run) runs its tasks one
        // after the other on the calling thread. The shared-panel job's items only wait on earlier items, so the first
        // task does them all; it must neither deadlock nor differ from a top-level two-thread call.
        const int m = 900, k = 700, n = 800; // k·n ≥ 2¹⁹: the shared-panel split
        var random = new Random(7);
        var a = new float[m * k];
        var b = new float[k * n];
        KernelTestData.Fill(random, a);
        KernelTestData.Fill(random, b);
        var expected = new float[m * n];
        Multiply(expected);
        var nested = new NestedGemms(Multiply, m * n);
        ParallelRunner.Run(nested, 2, 2);
        foreach (var c in nested.Results)
        {
            Assert.Equal(expected, c);
        }

        void Multiply(float[] c) =>
            Gemm.Multiply(m, n, k, StridedMatrix<float>.RowMajor(a, 0, k), StridedMatrix<float>.RowMajor(b, 0, n), c, 0, n, false, 2);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void KBlocks_AreWholeVectorsWithinTheFullDepth(bool allowVector512) => WithWidth(allowVector512, () =>
    {
        // The batched weight gradient loads each K block of its columns in whole vectors, and A's packing transposes
        // whole vectors of k: every K step must be a whole number of vectors, so that the last block of a depth that is
        // one is too, and never deeper than the full KC.
        CheckKBlocks<float>();
        CheckKBlocks<double>();
    });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TileRows_FollowTheWidth(bool allowVector512) => WithWidth(allowVector512, () =>
        Assert.Equal(allowVector512 && Vector512.IsHardwareAccelerated ? 12 : 6, Gemm.TileRows));

    private static void CheckEdges<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int m in EdgeRows)
        {
            foreach (int n in EdgeColumns)
            {
                foreach (int k in EdgeDepths)
                {
                    foreach (var la in Enum.GetValues<GemmTests.Layout>())
                    {
                        var lb = (m + n + k) % 2 == 0 ? GemmTests.Layout.RowMajor : GemmTests.Layout.ColumnMajor;
                        GemmTests.Check<T>(m, k, n, la, lb, 1, accumulate: (m + k) % 2 == 0);
                        GemmTests.Check<T>(m, k, n, la, lb, 1, accumulate: (m + k) % 2 != 0);
                    }
                }
            }
        }
    }

    private static void SameOnAllThreadCounts<T>(int m, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(m + k + n);
        var a = new T[m * k];
        var b = new T[k * n];
        var initial = new T[m * n];
        KernelTestData.Fill(random, a);
        KernelTestData.Fill(random, b);
        KernelTestData.Fill(random, initial);
        T[]? reference = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var c = (T[])initial.Clone();
            Gemm.Multiply(m, n, k, StridedMatrix<T>.RowMajor(a, 0, k), StridedMatrix<T>.RowMajor(b, 0, n), c, 0, n, accumulate, threads);
            if (reference is null)
            {
                reference = c;
                continue;
            }
            for (int i = 0; i < c.Length; i++)
            {
                if (!c[i].Equals(reference[i]))
                {
                    Assert.Fail($"{typeof(T).Name} ({m}x{k})·({k}x{n}) on {threads} threads: C[{i / n},{i % n}] = {c[i]}, on 1 thread {reference[i]}.");
                }
            }
        }
    }

    private static void CheckKBlocks<T>()
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int w = Gemm.VectorCount<T>();
        int mr = Gemm.TileRows, nr = 2 * w;
        Gemm.BlockSizes<T>(mr, nr, 1, out int full, out _, out _);
        for (int k = 1; k <= 3000; k++)
        {
            Gemm.BlockSizes<T>(mr, nr, k, out int step, out _, out _);
            int last = k - (k - 1) / step * step;
            Assert.True(step <= full && (k <= full ? step == full : step % w == 0),
                $"{typeof(T).Name}, k = {k}: step {step}, full depth {full}, {w} per vector");
            Assert.True(last > 0 && (k % w != 0 || last % w == 0), $"{typeof(T).Name}, k = {k}: last block {last} of step {step}");
        }
    }

    private static void WithWidth(bool allowVector512, Action test)
    {
        using var settings = new KernelSettings(allowVector512);
        test();
    }

    private sealed class NestedGemms(Action<float[]> multiply, int length) : IParallelWork
    {
        public float[][] Results { get; } = [new float[length], new float[length]];

        public void Execute(int index) => multiply(Results[index]);
    }
}
