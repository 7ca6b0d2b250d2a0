using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MiniTorch.Benchmarks;

/// <summary>
/// One short in-process job for every suite. The machine has two cores and the whole run should take a few
/// minutes, so there is no separate process per benchmark (that would rebuild the project each time) and few
/// iterations. The counts mirror the libtorch-baseline tool (3 warm-ups, 7 measured repetitions of about
/// 0.25 s each) so the two sets of figures are taken the same way.
/// </summary>
public sealed class ShortRunConfig : ManualConfig
{
    public ShortRunConfig()
    {
        // Start from the defaults for the loggers, exporters and the standard columns.
        Add(DefaultConfig.Instance);
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(7)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
            .WithId("ShortInProcess"));
        // The libtorch JSON reports median and min per case; show both so the tables pair up.
        AddColumn(StatisticColumn.Median, StatisticColumn.Min);
    }
}
