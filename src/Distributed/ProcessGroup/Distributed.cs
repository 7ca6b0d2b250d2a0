using MiniTorch.Distributed.Native;

namespace MiniTorch.Distributed;

/// <summary>
/// The process group (PyTorch's <c>torch.distributed</c> with the MPI backend): every process started by
/// <c>mpirun</c> is one rank of the world, and the collectives (<see cref="AllReduce"/>, <see cref="Broadcast"/>,
/// <see cref="AllGather"/>, <see cref="ReduceScatter"/>, <see cref="Barrier"/>) run over Open MPI. A process started
/// without mpirun is a world of one: every collective is then the identity and no MPI library is needed.
/// </summary>
/// <example>
/// <code>
/// using var world = Distributed.Init();          // dist.init_process_group("mpi")
/// Distributed.AllReduce(t, ReduceOp.Avg);         // dist.all_reduce(t, op=ReduceOp.AVG)
/// </code>
/// </example>
/// <remarks>
/// All MPI calls must come from the thread that called <see cref="Init"/> (MPI_THREAD_FUNNELED). An exception that
/// nobody catches aborts the whole job (MPI_Abort), so the other ranks never wait forever in a collective for a rank
/// that died; call <see cref="Abort"/> yourself if you catch an error you cannot recover from.
/// </remarks>
public static partial class Distributed
{
    private static readonly Lock s_lock = new();
    private static LaunchEnvironment s_env;
    private static bool s_initialized;
    private static bool s_finalized;
    private static bool s_usesMpi;

    /// <summary>Whether <see cref="Init"/> was called and <see cref="Finalize"/> was not (<c>dist.is_initialized()</c>).</summary>
    public static bool IsInitialized => s_initialized && !s_finalized;

    /// <summary>Whether the process group runs over MPI (started by mpirun), rather than being a world of one.</summary>
    public static bool UsesMpi => IsInitialized && s_usesMpi;

    /// <summary>This process's rank, 0 to <see cref="WorldSize"/>-1 (<c>dist.get_rank()</c>).</summary>
    public static int Rank => Current(nameof(Rank)).Rank;

    /// <summary>The number of processes in the job (<c>dist.get_world_size()</c>).</summary>
    public static int WorldSize => Current(nameof(WorldSize)).WorldSize;

    /// <summary>This process's rank among the processes on the same machine (torchrun's <c>LOCAL_RANK</c>).</summary>
    public static int LocalRank => Current(nameof(LocalRank)).LocalRank;

    /// <summary>The number of processes on this machine (torchrun's <c>LOCAL_WORLD_SIZE</c>).</summary>
    public static int LocalSize => Current(nameof(LocalSize)).LocalSize;

    /// <summary>
    /// Joins the job (PyTorch's <c>dist.init_process_group("mpi")</c>): reads the rank and world size mpirun gave
    /// this process and initialises MPI; without mpirun, makes a world of one and loads nothing. Dispose the result
    /// (or call <see cref="Finalize"/>) when done.
    /// </summary>
    /// <param name="setThreadsPerRank">Set <see cref="Parallelism.MaxThreads"/> to the processor count divided by the
    /// ranks on this machine (at least 1), so N ranks on one machine do not run N times as many threads as there are cores.</param>
    /// <exception cref="DistributedException">Already initialised, or the launcher asks for several ranks and Open MPI
    /// cannot be loaded (the message gives the install command).</exception>
    public static ProcessGroupScope Init(bool setThreadsPerRank = true)
    {
        lock (s_lock)
        {
            if (s_initialized && !s_finalized)
            {
                throw new DistributedException("Distributed.Init: trying to initialize the default process group twice!");
            }
            if (s_finalized)
            {
                throw new DistributedException("Distributed.Init: MPI was finalized in this process and cannot be initialized again (an MPI rule); start a new process.");
            }
            var env = LaunchEnvironment.Read();
            if (env.UnderMpirun)
            {
                InitMpi(ref env);
            }
            s_env = env;
            s_usesMpi = env.UnderMpirun;
            s_initialized = true;
            if (setThreadsPerRank)
            {
                Parallelism.MaxThreads = Math.Max(1, Environment.ProcessorCount / Math.Max(1, env.LocalSize));
            }
            return new ProcessGroupScope();
        }
    }

    private static unsafe void InitMpi(ref LaunchEnvironment env)
    {
        MpiLibrary.EnsureLoaded(env.WorldSize);
        int flag;
        MpiLibrary.Check(MpiNative.Initialized(&flag), "MPI_Initialized");
        if (flag == 0)
        {
            int provided;
            MpiLibrary.Check(MpiNative.InitThread(null, null, MpiNative.ThreadFunneled, &provided), "MPI_Init_thread");
        }
        int rank, size;
        MpiLibrary.Check(MpiNative.CommRank(MpiLibrary.CommWorld, &rank), "MPI_Comm_rank");
        MpiLibrary.Check(MpiNative.CommSize(MpiLibrary.CommWorld, &size), "MPI_Comm_size");
        env = env with { Rank = rank, WorldSize = size };
        int myRank = rank;
        // An uncaught exception ends this process; without MPI_Abort the other ranks would wait in their next
        // collective for a rank that is gone. Abort makes mpirun end the whole job with a non-zero exit.
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            Console.Error.WriteLine($"[rank {myRank}] unhandled exception, aborting the MPI job: {e.ExceptionObject}");
            Console.Error.Flush();
            Abort(1);
        };
    }

    /// <summary>
    /// Waits until every rank has called it (<c>dist.barrier()</c>).
    /// </summary>
    public static void Barrier()
    {
        var env = Current(nameof(Barrier));
        if (env.WorldSize > 1)
        {
            MpiLibrary.Check(MpiNative.Barrier(MpiLibrary.CommWorld), "Distributed.Barrier (MPI_Barrier)");
        }
    }

    /// <summary>
    /// Ends the whole job at once: every rank exits with <paramref name="errorCode"/> (MPI_Abort). Use it when a rank
    /// meets an error it cannot recover from and the others may be waiting for it in a collective.
    /// </summary>
    public static void Abort(int errorCode = 1)
    {
        if (s_usesMpi && !s_finalized)
        {
            MpiNative.Abort(MpiLibrary.CommWorld, errorCode);
        }
        Environment.Exit(errorCode);
    }

    /// <summary>
    /// Leaves the job (MPI_Finalize; PyTorch's <c>dist.destroy_process_group()</c>). Every rank must call it; after it no
    /// collective may be called, and MPI cannot be initialised again in this process. Calling it twice does nothing.
    /// </summary>
#pragma warning disable CS0465 // A static class has no destructor to interfere with; Finalize is MPI's and PyTorch users' name.
    public static void Finalize()
#pragma warning restore CS0465
    {
        lock (s_lock)
        {
            if (!s_initialized || s_finalized)
            {
                return;
            }
            s_finalized = true;
            if (s_usesMpi)
            {
                MpiLibrary.Check(MpiNative.Finalize(), "Distributed.Finalize (MPI_Finalize)");
            }
        }
    }

    /// <summary>Seconds since an arbitrary point in the past, from MPI_Wtime under MPI (the clock MPI benchmarks use).</summary>
    public static double WallTime() => UsesMpi ? MpiNative.Wtime() : System.Diagnostics.Stopwatch.GetTimestamp() / (double)System.Diagnostics.Stopwatch.Frequency;

    private static LaunchEnvironment Current(string operation)
    {
        if (!s_initialized)
        {
            throw new DistributedException($"Distributed.{operation}: Default process group has not been initialized, please make sure to call Distributed.Init() first.");
        }
        if (s_finalized)
        {
            throw new DistributedException($"Distributed.{operation}: the process group was finalized (Distributed.Finalize or the Init scope's Dispose); no collective can run after it.");
        }
        return s_env;
    }
}

/// <summary>Returned by <see cref="Distributed.Init"/>; disposing it calls <see cref="Distributed.Finalize"/>.</summary>
public sealed class ProcessGroupScope : IDisposable
{
    internal ProcessGroupScope()
    {
    }

    /// <summary>This process's rank.</summary>
    public int Rank => Distributed.Rank;

    /// <summary>The number of processes in the job.</summary>
    public int WorldSize => Distributed.WorldSize;

    /// <inheritdoc />
    public void Dispose() => Distributed.Finalize();
}
