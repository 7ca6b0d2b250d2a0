namespace MiniTorch.Benchmarks.Runner;

/// <summary>
/// The one place where the runner sets MiniTorch's compute thread count (for the sgemm "n=…, 1 thr" cases).
/// </summary>
internal static class Threads
{
    /// <summary>The thread count the cases run with by default, named in the case labels ("2 thr").</summary>
    public static int Default => Environment.ProcessorCount;

    /// <summary>
    /// What the JSON says about the setting: "unsupported" until MiniTorch has a public thread-count knob;
    /// then <see cref="Set"/> calls it and this becomes "supported".
    /// </summary>
    public static string Setting => "unsupported";

    /// <summary>
    /// Sets MiniTorch's compute threads; returns whether the request took effect.
    /// TODO(thread setting): wire to the public thread-count setting of the packed GEMM when it lands; until then this
    /// does nothing, the "1 thr" cases actually run on <see cref="Default"/> threads, and their rows carry a note.
    /// </summary>
    public static bool Set(int threads) => threads == Default;
}
