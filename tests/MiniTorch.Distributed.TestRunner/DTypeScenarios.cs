using MiniTorch.NN;

namespace MiniTorch.Distributed.TestRunner;

/// <summary>
/// The collectives on integer, bool and half-precision tensors, with exact values each rank works out by itself. The
/// Int64 values lie above 2^53, where doubles cannot hold them: a reduction that went through MPI_DOUBLE (the old
/// fallback) would lose their low bits and fail here. Then DistributedDataParallel with BatchNorm's Int64
/// <c>num_batches_tracked</c>, which must come from rank 0 like the float statistics.
/// </summary>
internal static class DTypeScenarios
{
    private static readonly int[] Sizes = [1, 5, 4097, 100_003];
    private static readonly ReduceOp[] ExactOps = [ReduceOp.Sum, ReduceOp.Max, ReduceOp.Min];

    public static readonly (string Name, Action Run)[] All =
    [
        ("dtypes.allreduce-integers", AllReduceIntegers),
        ("dtypes.allreduce-bool", AllReduceBool),
        ("dtypes.reducescatter", ReduceScatter),
        ("dtypes.broadcast-allgather", BroadcastAndAllGather),
        ("dtypes.errors", Errors),
        ("dtypes.ddp-batchnorm-count", DdpBatchNormCount),
        ("dtypes.ddp-float16-parameters", DdpFloat16Parameters),
    ];

    /// <summary>Signed values near ±2^60 (odd low bits), so sums of a few ranks neither overflow nor fit a double.</summary>
    private static long Int64Value(int rank, int i) => (i % 2 == 0 ? 1 : -1) * ((1L << 60) + i * 7L + rank * 13L + 1);

    /// <summary>Signed values near ±10^8: three ranks' sum stays inside Int32.</summary>
    private static int Int32Value(int rank, int i) => (i % 2 == 0 ? 1 : -1) * (100_000_000 + i * 7 + rank * 13);

    /// <summary>Bytes spread over 0..255, so sums wrap around 256 as PyTorch's uint8 all_reduce does.</summary>
    private static byte UInt8Value(int rank, int i) => (byte)((i * 37 + rank * 101 + 200) % 256);

    /// <summary>By i % 4: false on every rank, true on every rank, true on rank 0 only, false on the last rank only.</summary>
    private static bool BoolValue(int rank, int i) => (i % 4) switch
    {
        0 => false,
        1 => true,
        2 => rank == 0,
        _ => rank != Distributed.WorldSize - 1,
    };

    private static T[] Values<T>(int rank, int n, Func<int, int, T> value)
    {
        var values = new T[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = value(rank, i);
        }
        return values;
    }

    /// <summary>The reduction over all ranks of element i, computed locally in the element type (unchecked: integers wrap).</summary>
    private static T[] Reduced<T>(int n, Func<int, int, T> value, Func<T, T, T> combine)
    {
        var result = Values(0, n, value);
        for (int r = 1; r < Distributed.WorldSize; r++)
        {
            for (int i = 0; i < n; i++)
            {
                result[i] = combine(result[i], value(r, i));
            }
        }
        return result;
    }

    private static Func<long, long, long> Int64Op(ReduceOp op) => op switch
    {
        ReduceOp.Sum => (a, b) => unchecked(a + b),
        ReduceOp.Max => Math.Max,
        _ => Math.Min,
    };

    private static Func<int, int, int> Int32Op(ReduceOp op) => op switch
    {
        ReduceOp.Sum => (a, b) => unchecked(a + b),
        ReduceOp.Max => Math.Max,
        _ => Math.Min,
    };

    private static Func<byte, byte, byte> UInt8Op(ReduceOp op) => op switch
    {
        ReduceOp.Sum => (a, b) => unchecked((byte)(a + b)),
        ReduceOp.Max => Math.Max,
        _ => Math.Min,
    };

    private static void Equal<T>(T[] expected, T[] actual, string what) where T : IEquatable<T>
    {
        Check.That(expected.Length == actual.Length, $"{what}: expected {expected.Length} elements, got {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            if (!expected[i].Equals(actual[i]))
            {
                throw new ScenarioFailedException($"{what}: element {i} expected {expected[i]}, got {actual[i]}");
            }
        }
    }

    private static void AllReduceIntegers()
    {
        int rank = Distributed.Rank;
        foreach (var op in ExactOps)
        {
            foreach (int n in Sizes)
            {
                var int64 = Tensor.FromArray(Values(rank, n, Int64Value), [n]);
                int version = int64.Version;
                Distributed.AllReduce(int64, op);
                Check.That(int64.DType == DType.Int64 && int64.Version > version, $"AllReduce({op}) Int64 keeps its dtype and bumps the version");
                Equal(Reduced(n, Int64Value, Int64Op(op)), int64.ToArray<long>(), $"AllReduce({op}) Int64 n={n}");

                var int32 = Tensor.WrapArray(Values(rank, n, Int32Value), n);
                Distributed.AllReduce(int32, op);
                Equal(Reduced(n, Int32Value, Int32Op(op)), int32.ToArray<int>(), $"AllReduce({op}) Int32 n={n}");

                var uint8 = Tensor.FromArray(Values(rank, n, UInt8Value), [n]);
                Distributed.AllReduce(uint8, op);
                Equal(Reduced(n, UInt8Value, UInt8Op(op)), uint8.ToArray<byte>(), $"AllReduce({op}) UInt8 n={n}");
            }

            // The non-blocking path, and a transposed view that is reduced through a contiguous copy.
            var pending = Tensor.FromArray(Values(rank, 4097, Int64Value), [4097]);
            var work = Distributed.AllReduceAsync(pending, op);
            var view = Tensor.FromArray(Values(rank, 6 * 7, Int64Value), [6, 7]);
            Distributed.AllReduce(view.Transpose(0, 1), op);
            work.Wait();
            Equal(Reduced(4097, Int64Value, Int64Op(op)), pending.ToArray<long>(), $"AllReduceAsync({op}) Int64");
            Equal(Reduced(6 * 7, Int64Value, Int64Op(op)), view.ToArray<long>(), $"AllReduce({op}) Int64 transposed view");
        }
        if (Distributed.WorldSize == 2)
        {
            // A hand-checked case: 200 + 201 wraps to 145 in uint8; 2^60 + 1 + 2^60 + 14 is exact in int64 only.
            var bytes = Tensor.FromArray(new[] { (byte)(200 + rank) }, [1]);
            Distributed.AllReduce(bytes);
            Check.That(bytes.Item<byte>() == 145, $"uint8 200 + 201 should wrap to 145, got {bytes.Item<byte>()}");
            var big = Tensor.FromArray(new[] { Int64Value(rank, 0) }, []);
            Distributed.AllReduce(big);
            Check.That(big.Item<long>() == (1L << 61) + 15, $"int64 (2^60 + 1) + (2^60 + 14) should be 2^61 + 15, got {big.Item<long>()}");
        }
    }

    private static void AllReduceBool()
    {
        int rank = Distributed.Rank;
        foreach (int n in Sizes)
        {
            var any = Reduced(n, BoolValue, (a, b) => a || b);
            var all = Reduced(n, BoolValue, (a, b) => a && b);
            foreach (var (op, expected) in new[] { (ReduceOp.Sum, any), (ReduceOp.Max, any), (ReduceOp.Min, all) })
            {
                var t = Tensor.FromArray(Values(rank, n, BoolValue), [n]);
                Distributed.AllReduce(t, op);
                Check.That(t.DType == DType.Bool, $"AllReduce({op}) of Bool returned {t.DType}");
                Equal(expected, t.ToArray<bool>(), $"AllReduce({op}) Bool n={n}");
            }
        }
        // PyTorch's own bool all_reduce check: rank 0 true, the others false; Sum and Max true, Min false.
        foreach (var (op, expected) in new[] { (ReduceOp.Sum, true), (ReduceOp.Max, true), (ReduceOp.Min, false) })
        {
            var t = Tensor.FromArray(new[] { rank == 0, rank == 0 }, [2]);
            Distributed.AllReduce(t, op);
            Equal([expected, expected], t.ToArray<bool>(), $"AllReduce({op}) of [rank == 0]");
        }
    }

    private static void ReduceScatter()
    {
        int world = Distributed.WorldSize;
        int rank = Distributed.Rank;
        const int Chunk = 7;
        int n = Chunk * world;
        foreach (var op in ExactOps)
        {
            var int64 = Distributed.ReduceScatter(Tensor.FromArray(Values(rank, n, Int64Value), [world, Chunk]), op);
            Check.That(int64.DType == DType.Int64 && int64.Shape.SequenceEqual(new[] { 1, Chunk }), "ReduceScatter Int64 shape and dtype");
            Equal(Reduced(n, Int64Value, Int64Op(op))[(rank * Chunk)..((rank + 1) * Chunk)], int64.ToArray<long>(), $"ReduceScatter({op}) Int64");

            var int32 = Distributed.ReduceScatter(Tensor.WrapArray(Values(rank, n, Int32Value), world, Chunk), op);
            Equal(Reduced(n, Int32Value, Int32Op(op))[(rank * Chunk)..((rank + 1) * Chunk)], int32.ToArray<int>(), $"ReduceScatter({op}) Int32");
        }
        // Long enough for Open MPI's vectorised reduction, which would saturate a uint8 sum instead of wrapping it.
        const int ByteChunk = 1000;
        foreach (var op in ExactOps)
        {
            var uint8 = Distributed.ReduceScatter(Tensor.FromArray(Values(rank, ByteChunk * world, UInt8Value), [world, ByteChunk]), op);
            Check.That(uint8.DType == DType.UInt8, $"ReduceScatter({op}) UInt8 returned {uint8.DType}");
            Equal(Reduced(ByteChunk * world, UInt8Value, UInt8Op(op))[(rank * ByteChunk)..((rank + 1) * ByteChunk)], uint8.ToArray<byte>(), $"ReduceScatter({op}) UInt8");
        }
        var mask = Distributed.ReduceScatter(Tensor.FromArray(Values(rank, n, BoolValue), [world, Chunk]), ReduceOp.Min);
        Equal(Reduced(n, BoolValue, (a, b) => a && b)[(rank * Chunk)..((rank + 1) * Chunk)], mask.ToArray<bool>(), "ReduceScatter(Min) Bool");
    }

    /// <summary>One tensor of each dtype for a rank: distinct per rank and element, exactly representable in each dtype.</summary>
    private static Tensor[] EveryDType(int rank, int n)
    {
        var halves = new Half[n];
        var brains = new BFloat16[n];
        for (int i = 0; i < n; i++)
        {
            halves[i] = (Half)((i % 64) * 0.25 - 8 + rank);
            brains[i] = (BFloat16)((i % 64) * 0.5 - 16 + rank);
        }
        return
        [
            Tensor.FromArray(Values(rank, n, Int64Value), [n]),
            Tensor.WrapArray(Values(rank, n, Int32Value), n),
            Tensor.FromArray(Values(rank, n, UInt8Value), [n]),
            Tensor.FromArray(Values(rank, n, BoolValue), [n]),
            Tensor.FromArray(halves, [n]),
            Tensor.FromArray(brains, [n]),
        ];
    }

    /// <summary>Compares two tensors of the same dtype element by element, through their own element type (bits, not converted values).</summary>
    private static void Same(Tensor expected, Tensor actual, string what)
    {
        Check.That(expected.DType == actual.DType, $"{what}: dtype {actual.DType}, expected {expected.DType}");
        switch (expected.DType)
        {
            case DType.Int64: Equal(expected.ToArray<long>(), actual.Contiguous().ToArray<long>(), what); break;
            case DType.Int32: Equal(expected.ToArray<int>(), actual.Contiguous().ToArray<int>(), what); break;
            case DType.UInt8: Equal(expected.ToArray<byte>(), actual.Contiguous().ToArray<byte>(), what); break;
            case DType.Bool: Equal(expected.ToArray<bool>(), actual.Contiguous().ToArray<bool>(), what); break;
            case DType.Float16: Equal(Array.ConvertAll(expected.ToArray<Half>(), BitConverter.HalfToUInt16Bits), Array.ConvertAll(actual.Contiguous().ToArray<Half>(), BitConverter.HalfToUInt16Bits), what); break;
            case DType.BFloat16: Equal(Array.ConvertAll(expected.ToArray<BFloat16>(), b => b.Bits), Array.ConvertAll(actual.Contiguous().ToArray<BFloat16>(), b => b.Bits), what); break;
            default: throw new ScenarioFailedException($"{what}: no comparison for {expected.DType}");
        }
    }

    private static void BroadcastAndAllGather()
    {
        int world = Distributed.WorldSize;
        int rank = Distributed.Rank;
        foreach (int n in new[] { 1, 4097 })
        {
            for (int root = 0; root < world; root++)
            {
                var mine = EveryDType(rank, n);
                var theirs = EveryDType(root, n);
                for (int k = 0; k < mine.Length; k++)
                {
                    Distributed.Broadcast(mine[k], root);
                    Same(theirs[k], mine[k], $"Broadcast {theirs[k].DType} n={n} from rank {root}");
                }
            }
            var own = EveryDType(rank, n);
            for (int k = 0; k < own.Length; k++)
            {
                var gathered = Distributed.AllGather(own[k]);
                Check.That(gathered.DType == own[k].DType && gathered.Shape.SequenceEqual(new[] { world, n }), $"AllGather {own[k].DType}: dtype {gathered.DType}, shape [{string.Join(", ", gathered.Shape)}]");
                for (int r = 0; r < world; r++)
                {
                    Same(EveryDType(r, n)[k], gathered.Select(0, r), $"AllGather {own[k].DType} n={n}, rank {r}'s row");
                }
            }
        }
        // A 0-dim Int64, as BatchNorm's num_batches_tracked, and a transposed Int64 view.
        var count = Tensor.FromArray(new[] { 1000L + rank }, []);
        Distributed.Broadcast(count, 0);
        Check.That(count.Item<long>() == 1000, $"0-dim Int64 broadcast from rank 0: expected 1000, got {count.Item<long>()}");
        var grid = Tensor.FromArray(Values(rank, 12, Int64Value), [3, 4]);
        Distributed.Broadcast(grid.Transpose(0, 1), world - 1);
        Equal(Values(world - 1, 12, Int64Value), grid.ToArray<long>(), "Broadcast of a transposed Int64 view");
    }

    private static void Errors()
    {
        // Every rank refuses alike before any MPI call, so no rank is left waiting in a collective.
        var half = Tensor.FromArray(new[] { (Half)1.5, (Half)2 }, [2]);
        Check.Throws<NotSupportedException>(() => Distributed.AllReduce(half), "Distributed.AllReduce(Sum): torch.float16 tensors cannot be reduced over MPI", "AllReduce of Float16");
        Check.Throws<NotSupportedException>(() => Distributed.AllReduceAsync(Tensor.FromArray(new[] { (BFloat16)1f }, [1]), ReduceOp.Max), "Distributed.AllReduceAsync(Max): torch.bfloat16", "AllReduceAsync of BFloat16");
        Check.Throws<NotSupportedException>(() => Distributed.ReduceScatter(Tensor.Zeros([Distributed.WorldSize], DType.Float16)), "Distributed.ReduceScatter(Sum): torch.float16", "ReduceScatter of Float16");
        Check.Throws<NotSupportedException>(() => Distributed.AllReduce(Tensor.FromArray(new[] { 1L, 2L }, [2]), ReduceOp.Avg), "ReduceOp.Avg is not supported for torch.int64 tensors", "AllReduce(Avg) of Int64");
        Check.Throws<NotSupportedException>(() => Distributed.AllReduce(Tensor.FromArray(new[] { true }, [1]), ReduceOp.Avg), "ReduceOp.Avg is not supported for torch.bool tensors", "AllReduce(Avg) of Bool");
        Check.Throws<NotSupportedException>(() => Distributed.ReduceScatter(Tensor.Zeros([Distributed.WorldSize], DType.UInt8), ReduceOp.Avg), "ReduceOp.Avg is not supported for torch.uint8 tensors", "ReduceScatter(Avg) of UInt8");
        // The refused tensors are untouched, and the group still works afterwards.
        Check.That(half.ToArray<Half>().SequenceEqual(new[] { (Half)1.5, (Half)2 }), "a refused AllReduce changed its tensor");
        var after = Tensor.FromArray(new[] { 1L }, [1]);
        Distributed.AllReduce(after);
        Check.That(after.Item<long>() == Distributed.WorldSize, $"AllReduce after the refused calls: expected {Distributed.WorldSize}, got {after.Item<long>()}");
    }

    private static void DdpBatchNormCount()
    {
        int rank = Distributed.Rank;
        var model = new Sequential(new Linear(5, 4, dtype: DType.Float64, generator: new Generator(4)), new BatchNorm1d(4, momentum: null, dtype: DType.Float64));
        var bn = (BatchNorm1d)model.GetSubmodule("1");
        var count = bn.NumBatchesTracked!;
        var runningMean = bn.RunningMean!;
        Check.That(count.DType == DType.Int64 && count.Rank == 0, $"num_batches_tracked should be a 0-dim Int64, is {count.DType} of rank {count.Rank}");
        // Before wrapping, every rank has its own count and statistics: construction must leave rank 0's everywhere.
        count.FillInPlace(rank == 0 ? 7 : 100 + rank);
        runningMean.FillInPlace(rank + 0.5);
        using var ddp = new DistributedDataParallel(model);
        Check.That(count.Item<long>() == 7, $"num_batches_tracked after wrapping: expected rank 0's 7, got {count.Item<long>()}");
        Check.Close([0.5, 0.5, 0.5, 0.5], runningMean, 0, "running_mean after wrapping (rank 0's)");

        // At every forward too: the counts diverge again; a training forward takes rank 0's count (3) and counts its
        // batch (4). With momentum None the running mean is the cumulative average, which weighs the batch by 1/count:
        // a rank that kept its own count would update with another weight.
        count.FillInPlace(rank == 0 ? 3 : 50 + rank);
        var x = Tensor.Randn([6, 5], DType.Float64, new Generator(20 + rank));
        ddp.Call(x);
        Check.That(count.Item<long>() == 4, $"num_batches_tracked after a training forward: expected rank 0's 3 plus this batch = 4, got {count.Item<long>()}");
        double[] h;
        using (Autograd.NoGrad())
        {
            h = model.GetSubmodule("0").Call(x).ToDoubleArray();
        }
        var expected = new double[4];
        for (int c = 0; c < 4; c++)
        {
            double mean = 0;
            for (int row = 0; row < 6; row++)
            {
                mean += h[row * 4 + c];
            }
            mean /= 6;
            expected[c] = 0.5 + (mean - 0.5) / 4;
        }
        Check.Close(expected, runningMean, 1e-12, "running_mean after a training forward with momentum None (weight 1/num_batches_tracked = 1/4)");

        // The count reaches a checkpoint written by rank 0 as Int64 and loads back on every rank.
        string path = Path.Combine(Path.GetTempPath(), $"minitorch-ddp-count-{Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_JOBID") ?? "job"}-{Distributed.WorldSize}.safetensors");
        DistributedCheckpoint.Save(ddp, path);
        var restored = new Sequential(new Linear(5, 4, dtype: DType.Float64), new BatchNorm1d(4, dtype: DType.Float64));
        DistributedCheckpoint.Load(restored, path);
        var restoredCount = restored.GetBuffer("1.num_batches_tracked")!;
        Check.That(restoredCount.DType == DType.Int64 && restoredCount.Item<long>() == 4, $"checkpointed num_batches_tracked: expected Int64 4, got {restoredCount.DType} {restoredCount.ToDoubleArray()[0]}");
        Distributed.Barrier();
        if (rank == 0)
        {
            File.Delete(path);
        }
    }

    private static void DdpFloat16Parameters()
    {
        // MPI cannot average float16 gradients: refused at construction on every rank, naming the parameter.
        var model = new Sequential(new Linear(3, 2, generator: new Generator(1))).To(DType.Float16);
        Check.Throws<NotSupportedException>(() => new DistributedDataParallel(model), "parameter '0.bias' is torch.float16 and requires grad", "DDP of a float16 model");
        // Frozen, the same parameters need no bucket: their values still come from rank 0.
        foreach (var p in model.Parameters())
        {
            p.RequiresGrad = false;
        }
        var weight = model.GetParameter("0.weight")!;
        weight.FillInPlace(Distributed.Rank + 0.5);
        using var ddp = new DistributedDataParallel(model);
        Check.That(weight.ToArray<Half>().All(v => v == (Half)0.5), $"frozen float16 weight after wrapping: expected rank 0's 0.5 everywhere, got {string.Join(", ", weight.ToArray<Half>())}");
    }
}
