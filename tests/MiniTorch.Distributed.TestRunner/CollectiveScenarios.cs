namespace MiniTorch.Distributed.TestRunner;

/// <summary>
/// Every collective against values each rank can work out by itself: rank r contributes Value(r, i) at element i, so
/// the expected sum, mean, maximum and minimum over ranks are computed locally, in float64, and compared.
/// </summary>
internal static class CollectiveScenarios
{
    private static readonly int[] Sizes = [1, 2, 3, 5, 1000, 4097, 1_000_000];
    private static readonly DType[] DTypes = [DType.Float32, DType.Float64];
    private static readonly ReduceOp[] Ops = [ReduceOp.Sum, ReduceOp.Avg, ReduceOp.Max, ReduceOp.Min];

    public static readonly (string Name, Action Run)[] All =
    [
        ("collectives.identity", Identity),
        ("collectives.allreduce", AllReduceEveryOp),
        ("collectives.allreduce-noncontiguous", AllReduceNonContiguous),
        ("collectives.allreduce-async", AllReduceAsync),
        ("collectives.broadcast", Broadcast),
        ("collectives.allgather", AllGather),
        ("collectives.reducescatter", ReduceScatter),
        ("collectives.barrier", Barrier),
        ("collectives.errors", Errors),
    ];

    /// <summary>An exact small value: quarters in [-12, 13] shifted by the rank, so float32 sums of a few ranks are exact.</summary>
    private static double Value(int rank, int i) => ((i * 7L + rank * 13L) % 101) * 0.25 - 12 + rank;

    private static Tensor Filled(int rank, int n, DType dtype)
    {
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = Value(rank, i);
        }
        var t = Tensor.FromArray(values, [n]);
        return dtype == DType.Float64 ? t : t.To(DType.Float32);
    }

    private static double[] Expected(ReduceOp op, int n, DType dtype)
    {
        int world = Distributed.WorldSize;
        var expected = new double[n];
        for (int i = 0; i < n; i++)
        {
            double acc = op switch { ReduceOp.Max => double.NegativeInfinity, ReduceOp.Min => double.PositiveInfinity, _ => 0 };
            for (int r = 0; r < world; r++)
            {
                double v = Value(r, i);
                acc = op switch { ReduceOp.Max => Math.Max(acc, v), ReduceOp.Min => Math.Min(acc, v), _ => acc + v };
            }
            // Avg divides the (exact) sum in the tensor's dtype, as the reduction does.
            expected[i] = op != ReduceOp.Avg ? acc : dtype == DType.Float32 ? (float)acc / world : acc / world;
        }
        return expected;
    }

    private static void Identity()
    {
        Check.That(Distributed.IsInitialized && Distributed.UsesMpi, "expected an MPI process group under mpirun");
        Check.That(Distributed.Rank >= 0 && Distributed.Rank < Distributed.WorldSize, $"rank {Distributed.Rank} outside world {Distributed.WorldSize}");
        Check.That(Distributed.LocalSize == Distributed.WorldSize && Distributed.LocalRank == Distributed.Rank,
            $"one machine: local rank/size {Distributed.LocalRank}/{Distributed.LocalSize} should equal rank/world {Distributed.Rank}/{Distributed.WorldSize}");
        int threads = Math.Max(1, Environment.ProcessorCount / Distributed.LocalSize);
        Check.That(Parallelism.MaxThreads == threads, $"Parallelism.MaxThreads {Parallelism.MaxThreads}, expected cores/local ranks = {threads}");
        // Every rank sees the same world: gather the ranks and check they are 0..N-1 in order.
        var ranks = Distributed.AllGather(Tensor.Scalar(Distributed.Rank, DType.Float64));
        var expected = new double[Distributed.WorldSize];
        for (int r = 0; r < expected.Length; r++)
        {
            expected[r] = r;
        }
        Check.Close(expected, ranks, 0, "AllGather of ranks");
    }

    private static void AllReduceEveryOp()
    {
        foreach (var dtype in DTypes)
        {
            foreach (var op in Ops)
            {
                foreach (int n in Sizes)
                {
                    if (n == 1_000_000 && op != ReduceOp.Sum && Distributed.WorldSize > 2)
                    {
                        // Three ranks share two cores here: a million elements once per dtype (Sum) keeps the job short;
                        // the other ops run at that size with two ranks and at every smaller size with three.
                        continue;
                    }
                    var t = Filled(Distributed.Rank, n, dtype);
                    int version = t.Version;
                    Distributed.AllReduce(t, op);
                    Check.That(t.Version > version, "AllReduce must bump the version counter (an in-place write)");
                    Check.Close(Expected(op, n, dtype), t, dtype == DType.Float32 ? 1e-7 : 1e-15, $"AllReduce({op}) {dtype} n={n}");
                }
            }
        }
    }

    private static void AllReduceNonContiguous()
    {
        foreach (var dtype in DTypes)
        {
            foreach (var op in Ops)
            {
                // A transposed view and a strided slice: the reduction must land in the viewed elements only.
                var baseT = Filled(Distributed.Rank, 37 * 29, dtype).Reshape(37, 29);
                var transposed = baseT.Transpose(0, 1);
                Distributed.AllReduce(transposed, op);
                Check.Close(Expected(op, 37 * 29, dtype), baseT.Reshape(37 * 29), dtype == DType.Float32 ? 1e-7 : 1e-15, $"AllReduce({op}) {dtype} transposed");

                var full = Filled(Distributed.Rank, 20, dtype).Reshape(10, 2);
                var column = full.Select(1, 1); // elements 1, 3, 5, ...
                Distributed.AllReduce(column, op);
                var reduced = Expected(op, 20, dtype);
                var got = full.ToDoubleArray();
                for (int i = 0; i < 20; i++)
                {
                    double want = i % 2 == 1 ? reduced[i] : Value(Distributed.Rank, i);
                    Check.That(Math.Abs(got[i] - want) <= 1e-6 * (1 + Math.Abs(want)), $"AllReduce({op}) {dtype} strided column: element {i} expected {want}, got {got[i]}");
                }
            }
        }
    }

    private static void AllReduceAsync()
    {
        foreach (var dtype in DTypes)
        {
            foreach (var op in Ops)
            {
                var small = Filled(Distributed.Rank, 3, dtype);
                var large = Filled(Distributed.Rank, 100_003, dtype);
                var strided = Filled(Distributed.Rank, 64, dtype).Reshape(8, 8).Transpose(0, 1);
                // Several in flight at once, waited in another order than started.
                var w1 = Distributed.AllReduceAsync(large, op);
                var w2 = Distributed.AllReduceAsync(small, op);
                var w3 = Distributed.AllReduceAsync(strided, op);
                w2.Wait();
                w3.Wait();
                w1.Wait();
                w1.Wait(); // a second wait does nothing
                Check.That(w1.IsCompleted && w2.IsCompleted, "IsCompleted after Wait");
                double tol = dtype == DType.Float32 ? 1e-7 : 1e-15;
                Check.Close(Expected(op, 3, dtype), small, tol, $"AllReduceAsync({op}) {dtype} n=3");
                Check.Close(Expected(op, 100_003, dtype), large, tol, $"AllReduceAsync({op}) {dtype} n=100003");
                Check.Close(Expected(op, 64, dtype), strided.Transpose(0, 1).Reshape(64), tol, $"AllReduceAsync({op}) {dtype} transposed");
            }
        }
    }

    private static void Broadcast()
    {
        foreach (var dtype in DTypes)
        {
            for (int root = 0; root < Distributed.WorldSize; root++)
            {
                foreach (int n in Sizes)
                {
                    if (n == 1_000_000 && root > 0)
                    {
                        continue; // the largest size from rank 0 only: the other roots take the same code path
                    }
                    var t = Filled(Distributed.Rank, n, dtype);
                    Distributed.Broadcast(t, root);
                    Check.Close(Filled(root, n, dtype).ToDoubleArray(), t, 0, $"Broadcast {dtype} n={n} from {root}");
                }
                var view = Filled(Distributed.Rank, 12, dtype).Reshape(3, 4).Transpose(0, 1);
                Distributed.Broadcast(view, root);
                Check.Close(Filled(root, 12, dtype).Reshape(3, 4).Transpose(0, 1).Contiguous().ToDoubleArray(), view, 0, $"Broadcast {dtype} transposed from {root}");
            }
        }
    }

    private static void AllGather()
    {
        int world = Distributed.WorldSize;
        foreach (var dtype in DTypes)
        {
            foreach (int n in new[] { 1, 7, 4097, 250_001 })
            {
                var gathered = Distributed.AllGather(Filled(Distributed.Rank, n, dtype));
                Check.That(gathered.Shape.SequenceEqual(new[] { world, n }), $"AllGather shape [{string.Join(", ", gathered.Shape)}], expected [{world}, {n}]");
                var expected = new double[world * n];
                for (int r = 0; r < world; r++)
                {
                    Filled(r, n, dtype).ToDoubleArray().CopyTo(expected, r * n);
                }
                Check.Close(expected, gathered, 0, $"AllGather {dtype} n={n}");
            }
            var view = Filled(Distributed.Rank, 6, dtype).Reshape(2, 3).Transpose(0, 1);
            var g = Distributed.AllGather(view);
            Check.That(g.Shape.SequenceEqual(new[] { world, 3, 2 }), "AllGather of a [3, 2] view");
            Check.Close(Filled(world - 1, 6, dtype).Reshape(2, 3).Transpose(0, 1).Contiguous().ToDoubleArray(), g.Select(0, world - 1), 0, $"AllGather {dtype} transposed");
        }
    }

    private static void ReduceScatter()
    {
        int world = Distributed.WorldSize;
        foreach (var dtype in DTypes)
        {
            foreach (var op in Ops)
            {
                foreach (int chunk in new[] { 1, 7, 33_333 })
                {
                    int n = chunk * world;
                    var input = Filled(Distributed.Rank, n, dtype).Reshape(world, chunk);
                    var mine = Distributed.ReduceScatter(input, op);
                    Check.That(mine.Shape.SequenceEqual(new[] { 1, chunk }), $"ReduceScatter shape [{string.Join(", ", mine.Shape)}]");
                    var all = Expected(op, n, dtype);
                    Check.Close(all[(Distributed.Rank * chunk)..((Distributed.Rank + 1) * chunk)], mine.Reshape(chunk), dtype == DType.Float32 ? 1e-7 : 1e-15, $"ReduceScatter({op}) {dtype} chunk={chunk}");
                }
            }
        }
    }

    private static void Barrier()
    {
        // Rank 0 waits a little before the barrier; everybody leaving the barrier must have seen rank 0 arrive, which
        // the all-reduced "arrival stamp" proves: each rank's value after the barrier includes rank 0's.
        if (Distributed.Rank == 0)
        {
            Thread.Sleep(200);
        }
        double before = Distributed.WallTime();
        Distributed.Barrier();
        double waited = Distributed.WallTime() - before;
        if (Distributed.Rank != 0)
        {
            Check.That(waited > 0.1, $"rank {Distributed.Rank} left the barrier after {waited:F3} s, before rank 0 arrived (it slept 0.2 s)");
        }
    }

    private static void Errors()
    {
        Check.Throws<DistributedException>(() => Distributed.Broadcast(Tensor.Zeros(3), Distributed.WorldSize), "is not in the world", "Broadcast from a rank that does not exist");
        Check.Throws<DistributedException>(() => Distributed.ReduceScatter(Tensor.Zeros(Distributed.WorldSize + 1)), "divisible by the world size", "ReduceScatter of an uneven input");
        Check.Throws<DistributedException>(() => Distributed.AllReduce(Tensor.Zeros(1).Expand(4)), "expanded view", "AllReduce of an expanded view");
        Check.Throws<DistributedException>(() => Distributed.Init(), "twice", "Init twice");
    }
}
