using BenchmarkDotNet.Running;
using MiniTorch.Benchmarks;

// `dotnet run -c Release --project bench/MiniTorch.Benchmarks -- --filter '*'` runs every suite;
// without arguments the switcher asks which one to run.
BenchmarkSwitcher.FromAssembly(typeof(ShortRunConfig).Assembly).Run(args, new ShortRunConfig());
