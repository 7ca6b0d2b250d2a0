using MiniTorch.Distributed;
using MiniTorch.Distributed.TestRunner;

// Usage: mpirun -np N dotnet MiniTorch.Distributed.TestRunner.dll <scenario-or-group>...
// Prints one line per scenario and rank, "PASS rank=R name in T ms" or "FAIL rank=R name: message", and exits 0 only when
// every scenario passed on this rank. The xunit tests read these lines.
using var world = Distributed.Init();
foreach (var (name, run) in Scenarios.Select(args))
{
    var watch = System.Diagnostics.Stopwatch.StartNew();
    try
    {
        run();
        Console.WriteLine($"PASS rank={Distributed.Rank} {name} in {watch.ElapsedMilliseconds} ms");
    }
    catch (Exception e) when (e is ScenarioFailedException or DistributedException or InvalidOperationException or ArgumentException)
    {
        // The ranks may now be out of step (one waits in a collective the failed one never joins): end the job at
        // once rather than let the next scenario hang.
        Console.WriteLine($"FAIL rank={Distributed.Rank} {name}: {e.Message.ReplaceLineEndings(" | ")}");
        Console.Out.Flush();
        Distributed.Abort(3);
    }
    Console.Out.Flush();
}
return 0;
