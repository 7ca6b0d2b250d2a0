using System.Runtime.ExceptionServices;

namespace MiniTorch.Kernels;

/// <summary>A piece of work split into numbered tasks that may run on different threads.</summary>
internal interface IParallelWork
{
    /// <summary>Runs task <paramref name="index"/>; tasks of one run must be independent of each other.</summary>
    void Execute(int index);
}

/// <summary>
/// Runs the tasks of an <see cref="IParallelWork"/> on the calling thread and a few persistent worker threads.
/// <c>Parallel.For</c> allocates a closure, tasks and a loop state per call and wakes thread-pool threads that may
/// be busy; a GEMM of 128×128 takes tens of microseconds, so that overhead decides whether a second core helps.
/// Here the workers are dedicated, spin briefly after each run so that back-to-back calls (a training step) find
/// them awake, and the calling thread takes tasks too, so a run never waits on a worker that has not started.
/// One run at a time: a call made while another run is in progress (another thread, or a task that itself calls a
/// kernel) runs its tasks serially on its own thread, which on a machine with as many busy threads as cores is what
/// a split would cost anyway.
/// </summary>
internal static class ParallelRunner
{
    /// <summary>
    /// Tasks per thread for work that can be cut finely (elementwise chunks, ranges of a batch of small products; the
    /// GEMM's row and column blocks have their own bound, sized by work): more than one, so a thread that starts late, runs slower or loses its vCPU to the
    /// host leaves part of its share to the others. With one task each, the caller of the transformer step's two-part
    /// GEMMs waited through 21–38% of them (docs/benchmarks.md).
    /// </summary>
    public const int TasksPerThread = 4;

    // A claim counter that can never index a task: set between runs so that a worker waking late claims nothing.
    private const int Idle = int.MaxValue / 2;
    // How long a worker keeps polling for the next run before it sleeps: enough for the back-to-back chunks of one op
    // and the next. Longer spins hurt on the 2-vCPU benchmark VM: with 200 µs the batch-64 MLP step's p90 was 8.4 ms
    // (4 ms stalls while the spinning worker held a vCPU), with 20 µs 4.3 ms (docs/benchmarks.md).
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 50000; // 20 µs

    private static readonly object s_startLock = new();
    private static readonly SemaphoreSlim s_wake = new(0);
    private static int s_busy;
    private static int s_workerCount;
    private static IParallelWork? s_work;
    private static int s_taskCount;
    private static int s_next = Idle;
    private static int s_pending;
    private static int s_activeWorkers;
    private static ExceptionDispatchInfo? s_error;

    /// <summary>Runs tasks 0 … <paramref name="taskCount"/> − 1 of <paramref name="work"/> on up to <paramref name="threads"/> threads and returns when all are done.</summary>
    public static void Run(IParallelWork work, int taskCount, int threads)
    {
        threads = Math.Min(threads, taskCount);
        if (threads <= 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int i = 0; i < taskCount; i++)
            {
                work.Execute(i);
            }
            return;
        }
        try
        {
            EnsureWorkers(threads - 1);
            s_work = work;
            s_taskCount = taskCount;
            s_error = null;
            Volatile.Write(ref s_pending, taskCount);
            // Publishing the claim counter last: a worker that claims an index sees the fields written above.
            Volatile.Write(ref s_next, 0);
            s_wake.Release(threads - 1);
            Drain();
            var spin = new SpinWait();
            while (Volatile.Read(ref s_pending) != 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
            // A worker still inside Drain may have claimed an index but not yet compared it with the task count;
            // wait for it to leave before the next run rewrites the count, or it could run a task of that run twice.
            Volatile.Write(ref s_next, Idle);
            while (Volatile.Read(ref s_activeWorkers) != 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
            s_work = null;
            s_error?.Throw();
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    private static void Drain()
    {
        int i;
        while ((i = Interlocked.Increment(ref s_next) - 1) < s_taskCount)
        {
            try
            {
                s_work!.Execute(i);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref s_error, ExceptionDispatchInfo.Capture(e), null);
            }
            finally
            {
                Interlocked.Decrement(ref s_pending);
            }
        }
    }

    private static void WorkerDrain()
    {
        Interlocked.Increment(ref s_activeWorkers);
        Drain();
        Interlocked.Decrement(ref s_activeWorkers);
    }

    private static void EnsureWorkers(int count)
    {
        if (Volatile.Read(ref s_workerCount) >= count)
        {
            return;
        }
        lock (s_startLock)
        {
            while (s_workerCount < count)
            {
                var thread = new Thread(WorkerLoop) { IsBackground = true, Name = $"MiniTorch worker {s_workerCount + 1}" };
                // Not Start: a worker lives for the process and must not keep the ExecutionContext of the op that
                // happened to create it (its grad mode, forward AD level and any other AsyncLocal values).
                thread.UnsafeStart();
                s_workerCount++;
            }
        }
    }

    private static void WorkerLoop()
    {
        while (true)
        {
            s_wake.Wait();
            WorkerDrain();
            // Stay awake a little for the next run; if one starts, take its wake-up token so it is not left over.
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            while (System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
            {
                if (Volatile.Read(ref s_next) < Volatile.Read(ref s_taskCount))
                {
                    s_wake.Wait(0);
                    WorkerDrain();
                    deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
                }
                Thread.SpinWait(4);
            }
        }
    }
}
