using System.Diagnostics;

/// <summary>
/// The clocks of the in-process A/B tools (linked into each one's project). A single-thread case timed in its thread's
/// CPU time counts only the cycles it ran, not the time it waited for a core: on these shared 2-vCPU VMs the wall
/// clock of a one-thread run swings 2x between rounds when other jobs run.
/// </summary>
internal static partial class AbClock
{
    /// <summary>AB_CPU=1 asks a tool to time its single-thread cases in thread CPU time.</summary>
    public static readonly bool ThreadCpuRequested = Environment.GetEnvironmentVariable("AB_CPU") == "1";

    /// <summary>The calling thread's CPU time when <paramref name="threadCpu"/>, else wall time, in seconds.</summary>
    public static double Now(bool threadCpu) => threadCpu ? ThreadCpuSeconds() : Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    /// <summary>CLOCK_THREAD_CPUTIME_ID in seconds.</summary>
    public static double ThreadCpuSeconds()
    {
        ClockGetTime(3, out var ts);
        return ts.Seconds + ts.Nanoseconds * 1e-9;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec ts);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
