using System.Globalization;
using MiniTorch.Distributed.Native;

namespace MiniTorch.Distributed.TestRunner;

/// <summary>
/// All-reduce latency and bandwidth through MiniTorch (<see cref="Distributed.AllReduce"/> on a tensor) against the same
/// MPI_Allreduce called directly on a pinned array: the wrapper's overhead. Not run by the tests; the figures in
/// docs/distributed.md come from <c>mpirun -np 2 dotnet MiniTorch.Distributed.TestRunner.dll bench</c>.
/// </summary>
internal static class BenchScenarios
{
    public static readonly (string Name, Action Run)[] All =
    [
        ("bench.allreduce", AllReduce),
    ];

    private static unsafe void AllReduce()
    {
        int world = Distributed.WorldSize;
        var c = CultureInfo.InvariantCulture;
        if (Distributed.Rank == 0)
        {
            Console.WriteLine($"all-reduce (sum, float32) on {world} ranks, median of the timed calls");
            Console.WriteLine("| bytes | MPI direct (µs) | MiniTorch (µs) | overhead (µs) | MiniTorch bus bandwidth (GB/s) |");
            Console.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
        }
        for (long bytes = 4096; bytes <= 64L << 20; bytes *= 4)
        {
            int n = (int)(bytes / sizeof(float));
            int iterations = bytes <= 1 << 20 ? 200 : bytes <= 16 << 20 ? 20 : 8;
            var raw = GC.AllocateArray<float>(n, pinned: true);
            var tensor = Tensor.Ones([n]);
            double direct, wrapped;
            fixed (float* p = raw)
            {
                float* pointer = p;
                direct = Median(iterations, () => MpiLibrary.Check(MpiNative.Allreduce((void*)MpiLibrary.InPlace, pointer, n, MpiLibrary.Float, MpiLibrary.OpSum, MpiLibrary.CommWorld), "bench"));
            }
            wrapped = Median(iterations, () => Distributed.AllReduce(tensor, ReduceOp.Sum));
            if (Distributed.Rank == 0)
            {
                double bus = 2.0 * (world - 1) / world * bytes / (wrapped * 1e-6) / 1e9;
                Console.WriteLine(string.Format(c, "| {0} | {1:0.0} | {2:0.0} | {3:0.0} | {4:0.00} |", Format(bytes), direct, wrapped, wrapped - direct, bus));
            }
        }
    }

    /// <summary>The median over <paramref name="iterations"/> calls, in µs, each call started together after a barrier.</summary>
    private static double Median(int iterations, Action call)
    {
        call();
        call();
        var times = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            Distributed.Barrier();
            double start = Distributed.WallTime();
            call();
            times[i] = (Distributed.WallTime() - start) * 1e6;
        }
        Array.Sort(times);
        return times[iterations / 2];
    }

    private static string Format(long bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : $"{bytes >> 10} KiB";
}
