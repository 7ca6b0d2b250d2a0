using BenchmarkDotNet.Running;
using MiniTorch.Benchmarks;
using MiniTorch.Benchmarks.Runner;

// `--out results.json [--only bench,...]`: the JSON runner, on the libtorch-baseline workloads (see docs/benchmarks.md).
// `--mem-probe`: the runner's child process for the memory figure.
// Otherwise BenchmarkDotNet: `-- --filter '*'` runs every suite; without arguments the switcher asks which one.
if (args.Contains(MemoryProbe.ChildFlag))
{
    MemoryProbe.RunChild();
    return;
}
int outIndex = Array.IndexOf(args, "--out");
if (outIndex >= 0)
{
    // `--only sgemm,elementwise_4M,memory` runs a subset (bench names; "memory" for the memory figures).
    int onlyIndex = Array.IndexOf(args, "--only");
    var only = onlyIndex >= 0 && onlyIndex + 1 < args.Length ? new HashSet<string>(args[onlyIndex + 1].Split(',')) : null;
    string? unknown = only?.FirstOrDefault(name => !JsonRunner.BenchNames.Contains(name));
    if (unknown is not null)
    {
        Console.Error.WriteLine($"--only: unknown bench '{unknown}'; the names are {string.Join(", ", JsonRunner.BenchNames)}.");
        Environment.ExitCode = 2;
        return;
    }
    JsonRunner.Run(outIndex + 1 < args.Length ? args[outIndex + 1] : "results.json", only);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(ShortRunConfig).Assembly).Run(args, new ShortRunConfig());
