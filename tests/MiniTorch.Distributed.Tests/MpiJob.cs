using System.Diagnostics;
using System.Text;

namespace MiniTorch.Distributed.Tests;

/// <summary>What one run of the test runner printed, and how it ended.</summary>
public sealed record JobResult(int ExitCode, string Output, TimeSpan Elapsed, string Token)
{
    /// <summary>Asserts that every named scenario printed PASS on every rank, quoting the output otherwise.</summary>
    public void AssertPassed(int ranks, params string[] scenarios)
    {
        Assert.True(ExitCode == 0, $"the job exited with {ExitCode}:\n{Output}");
        foreach (var scenario in scenarios)
        {
            for (int r = 0; r < ranks; r++)
            {
                Assert.True(Output.Contains($"PASS rank={r} {scenario} in ", StringComparison.Ordinal), $"no PASS for {scenario} on rank {r}:\n{Output}");
            }
        }
    }
}

/// <summary>
/// Starts the test runner (tests/MiniTorch.Distributed.TestRunner, built with this project) under Open MPI's mpirun,
/// or as a plain process, with a timeout after which the whole process tree is killed and the test fails.
/// </summary>
public static class MpiJob
{
    public static string RunnerDll => Path.Combine(AppContext.BaseDirectory, "MiniTorch.Distributed.TestRunner.dll");

    public static string Mpirun()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "mpirun");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        Assert.Fail("mpirun is not installed, so the distributed tests cannot start their jobs. Install Open MPI: apt-get install -y openmpi-bin libopenmpi-dev (.ci/run does this when mpirun is missing).");
        return "";
    }

    /// <summary>Runs the scenarios on <paramref name="ranks"/> processes under mpirun.</summary>
    public static JobResult Run(int ranks, TimeSpan timeout, params string[] scenarios)
        => RunProgram(RunnerDll, ranks, timeout, scenarios);

    /// <summary>Runs <paramref name="dll"/> (next to the tests) on <paramref name="ranks"/> processes under mpirun.</summary>
    public static JobResult RunProgram(string dll, int ranks, TimeSpan timeout, params string[] arguments)
    {
        string token = "job-" + Guid.NewGuid().ToString("N");
        var start = new ProcessStartInfo(Mpirun());
        // --oversubscribe: three ranks on this two-core machine; --bind-to none: do not pin ranks to cores the other
        // work on the machine is using.
        foreach (var a in new[] { "--oversubscribe", "--bind-to", "none", "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "dotnet", dll })
        {
            start.ArgumentList.Add(a);
        }
        if (dll == RunnerDll)
        {
            start.ArgumentList.Add("--token=" + token);
        }
        foreach (var s in arguments)
        {
            start.ArgumentList.Add(s);
        }
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        start.Environment["TERM"] = "dumb";
        return Start(start, timeout, token);
    }

    /// <summary>Runs the scenarios as one ordinary process (no mpirun), with extra environment variables.</summary>
    public static JobResult RunAlone(TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] scenarios)
        => RunProgramAlone(RunnerDll, timeout, environment, scenarios);

    /// <summary>Runs <paramref name="dll"/> (next to the tests) as one ordinary process.</summary>
    public static JobResult RunProgramAlone(string dll, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] scenarios)
    {
        string token = "job-" + Guid.NewGuid().ToString("N");
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(dll);
        if (dll == RunnerDll)
        {
            start.ArgumentList.Add("--token=" + token);
        }
        foreach (var s in scenarios)
        {
            start.ArgumentList.Add(s);
        }
        // The test host may itself run under a launcher's environment; the runner must see a clean one.
        foreach (var name in new[] { "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_LOCAL_RANK", "OMPI_COMM_WORLD_LOCAL_SIZE", "WORLD_SIZE", "MINITORCH_MPI_LIBRARY" })
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        return Start(start, timeout, token);
    }

    private static JobResult Start(ProcessStartInfo start, TimeSpan timeout, string token)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var output = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Append(e.Data).Append('\n'); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Append(e.Data).Append('\n'); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            string text;
            lock (output)
            {
                text = output.ToString();
            }
            Assert.Fail($"the job did not end within {timeout.TotalSeconds:F0} s and was killed:\n{text}");
        }
        process.WaitForExit(); // drains the redirected streams
        lock (output)
        {
            return new JobResult(process.ExitCode, output.ToString(), watch.Elapsed, token);
        }
    }

    /// <summary>The processes still alive whose command line carries the job's token (none should outlive a job).</summary>
    public static List<string> Leftovers(string token)
    {
        var alive = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(token, StringComparison.Ordinal))
                {
                    alive.Add($"{Path.GetFileName(dir)}: {cmdline}");
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return alive;
    }
}
