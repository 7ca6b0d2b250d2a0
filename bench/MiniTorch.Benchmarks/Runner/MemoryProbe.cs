using System.Diagnostics;
using System.Text.Json;

namespace MiniTorch.Benchmarks.Runner;

/// <summary>
/// Memory figures of the batch-256 MLP: the peak working set of a fresh child process training it for 200 steps
/// (the baseline's <c>--mem-probe</c>), and managed allocation and gen-2 collections per steady-state step.
/// </summary>
internal static class MemoryProbe
{
    public const int ProbeSteps = 200;

    public const string ChildFlag = "--mem-probe";

    /// <summary>Child-process mode: touch the library once, then train; prints one JSON line of working-set figures.</summary>
    public static void RunChild()
    {
        using var p = Process.GetCurrentProcess();
        _ = Tensor.Ones(1);
        p.Refresh();
        long baseline = p.WorkingSet64;
        var mlp = new MlpCase(256);
        for (int i = 0; i < ProbeSteps; i++)
        {
            mlp.Step();
        }
        p.Refresh();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["steps"] = ProbeSteps,
            ["baseline_working_set_mib"] = Math.Round(baseline / 1048576.0, 1),
            ["peak_working_set_mib"] = Math.Round(p.PeakWorkingSet64 / 1048576.0, 1),
            ["final_working_set_mib"] = Math.Round(p.WorkingSet64 / 1048576.0, 1),
            ["gen2_collections"] = GC.CollectionCount(2),
        }));
    }

    /// <summary>Starts this program again in <see cref="ChildFlag"/> mode and returns its JSON line.</summary>
    public static Dictionary<string, JsonElement> RunInChild()
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(psi.FileName) == "dotnet")
        {
            psi.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        }
        psi.ArgumentList.Add(ChildFlag);
        using var proc = Process.Start(psi)!;
        string output = proc.StandardOutput.ReadToEnd();
        proc.WaitForExit();
        string line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{')) ?? "{}";
        return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line)!;
    }

    /// <summary>Managed bytes allocated per step (whole process, and the training thread alone) and gen-0/1/2 collections over <paramref name="steps"/> steady-state steps.</summary>
    public static Dictionary<string, object> SteadyStateAllocation(int batch, int steps = 1000, int warmup = 20)
    {
        var mlp = new MlpCase(batch);
        for (int i = 0; i < warmup; i++)
        {
            mlp.Step();
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        long beforeThread = GC.GetAllocatedBytesForCurrentThread();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            mlp.Step();
        }
        sw.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        long allocatedThread = GC.GetAllocatedBytesForCurrentThread() - beforeThread;
        return new Dictionary<string, object>
        {
            ["batch"] = batch,
            ["steps"] = steps,
            ["bytes_allocated_per_step"] = allocated / steps,
            ["bytes_allocated_per_step_training_thread"] = allocatedThread / steps,
            ["gen0_collections"] = GC.CollectionCount(0) - g0,
            ["gen1_collections"] = GC.CollectionCount(1) - g1,
            ["gen2_collections"] = GC.CollectionCount(2) - g2,
            ["mean_step_ms"] = Math.Round(sw.Elapsed.TotalMilliseconds / steps, 3),
            ["final_loss"] = mlp.LastLoss,
        };
    }
}
