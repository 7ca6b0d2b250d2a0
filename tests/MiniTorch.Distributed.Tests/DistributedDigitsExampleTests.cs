using System.Globalization;
using System.Text.RegularExpressions;

namespace MiniTorch.Distributed.Tests;

[Collection("mpi")]
public sealed partial class DistributedDigitsExampleTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "DistributedDigits.dll");
    private static readonly string[] SmallRun = ["--epochs", "2", "--train-limit", "192", "--batch-size", "32"];

    [GeneratedRegex(@"test accuracy (\d\.\d{4}) after 2 epochs on (\d) rank")]
    private static partial Regex FinalLine();

    private static double Accuracy(JobResult job, int ranks)
    {
        Assert.True(job.ExitCode == 0, $"the example exited with {job.ExitCode}:\n{job.Output}");
        var matches = FinalLine().Matches(job.Output);
        // Only rank 0 prints.
        var match = Assert.Single(matches);
        Assert.Equal(ranks.ToString(CultureInfo.InvariantCulture), match.Groups[2].Value);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Two_ranks_under_mpirun_train_the_CNN_and_rank_0_reports_the_test_accuracy()
    {
        var job = MpiJob.RunProgram(Dll, 2, TimeSpan.FromSeconds(120), SmallRun);
        Assert.Contains("2 rank(s)", job.Output, StringComparison.Ordinal);
        Assert.Contains("96 per rank per epoch", job.Output, StringComparison.Ordinal); // 192 images over 2 ranks
        // Chance is 0.1; two epochs of 12 steps reach well above it.
        Assert.InRange(Accuracy(job, 2), 0.3, 1.0);
    }

    [Fact]
    public void Without_mpirun_the_same_program_trains_on_one_process()
    {
        var job = MpiJob.RunProgramAlone(Dll, TimeSpan.FromSeconds(120), null, SmallRun);
        Assert.Contains("1 rank(s)", job.Output, StringComparison.Ordinal);
        Assert.InRange(Accuracy(job, 1), 0.3, 1.0);
    }
}
