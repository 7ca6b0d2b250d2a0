namespace MiniTorch.Benchmarks.Runner;

/// <summary>
/// The one place where the runner sets MiniTorch's compute thread count (for the sgemm "n=…, 1 thr" cases), through
/// <see cref="Parallelism.MaxThreads"/>, PyTorch's <c>torch.set_num_threads</c>.
/// </summary>
internal static class Threads
{
    /// <summary>The thread count the cases run with by default, named in the case labels ("2 thr").</summary>
    public static int Default => Environment.ProcessorCount;

    /// <summary>What the JSON says about the setting: the public knob the runner turns.</summary>
    public static string Setting => "Parallelism.MaxThreads";

    /// <summary>Sets MiniTorch's compute threads; returns whether the request took effect (always, with the public setting).</summary>
    public static bool Set(int threads)
    {
        Parallelism.MaxThreads = threads;
        return Parallelism.MaxThreads == threads;
    }
}
