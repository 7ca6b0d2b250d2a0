using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiniTorch.Benchmarks.Runner;

/// <summary>
/// Times MiniTorch on exactly the workloads of <c>../shared/tools/libtorch-baseline</c>, with the same bench and case
/// names and JSON fields, so <c>compare-bench.py ours.json libtorch.json</c> pairs every row.
/// </summary>
internal static class JsonRunner
{
    /// <summary>The names <c>--only</c> accepts: every bench the runner writes, plus "memory" for the memory figures.</summary>
    public static IReadOnlyList<string> BenchNames { get; } =
    [
        "fma_peak_avx512", "fma_peak_avx2", "sgemm", "mlp_adam_step", "mlp_adam_step_noscope", "linreg_sgd_step",
        "autograd_chain", "elementwise_4M", "strided", "cnn_sgd_step", "cnn_sgd_step_noscope", "conv2d_fwd_bwd",
        "transformer_adam_step", "memory",
    ];

    /// <summary>Runs every case (or only the benches named in <paramref name="only"/>) and writes the JSON to <paramref name="outPath"/>.</summary>
    /// <remarks>The caller checks <paramref name="only"/> against <see cref="BenchNames"/>: a misspelt name would
    /// otherwise write a JSON without its rows, which <c>compare-bench.py</c> reports as "missing".</remarks>
    public static void Run(string outPath, IReadOnlySet<string>? only = null)
    {
        bool Wanted(string bench) => only is null || only.Contains(bench);
        var cpu = CpuInfo.Collect();
        Console.WriteLine($"CPU: {cpu["model_name"]}, {cpu["logical_cpus"]} logical CPUs, flags: {cpu["relevant_flags"]}");
        Console.WriteLine($"Theoretical FP32 peak: {cpu["peak_gflops_machine"]:F1} GFLOP/s ({cpu["peak_assumption"]})");
        Console.WriteLine();
        Console.WriteLine(ResultRow.Header);

        var rows = new List<ResultRow>();
        void Add(string bench, string @case, Stats s, string unit, double scale, Func<double, double>? metric = null, string metricUnit = "", string? note = null)
        {
            var r = new ResultRow(bench, @case, s, unit, scale, metric?.Invoke(s.Med), metric?.Invoke(s.Min), metricUnit, note);
            rows.Add(r);
            Console.WriteLine(r.Format());
        }

        // 0. Measured FMA peak: the baseline's AVX-512 loop and this CPU's AVX2 loop. Without AVX-512 the baseline
        //    writes NaN rows, which compare-bench.py cannot divide ("NaN" / "NaN"), so those rows are left out here.
        foreach (int t in Wanted("fma_peak_avx2") || Wanted("fma_peak_avx512") ? new[] { 1, Environment.ProcessorCount } : [])
        {
            if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
            {
                var s = FmaPeak.Avx512(t, out double flop512);
                Add("fma_peak_avx512", $"{t} thr", s, "ms", 1e3, sec => flop512 / sec / 1e9, "GFLOP/s");
            }
            var s2 = FmaPeak.Avx2(t, out double flop256);
            Add("fma_peak_avx2", $"{t} thr", s2, "ms", 1e3, sec => flop256 / sec / 1e9, "GFLOP/s");
        }

        // 1. sgemm, fresh output each call; the 1-thread cases need the thread setting (see Threads.Set).
        void Sgemm(int n, int threads)
        {
            bool applied = Threads.Set(threads);
            var s = Workloads.Sgemm(n);
            string? note = applied ? null : $"thread setting unsupported: ran on {Threads.Default} threads";
            Add("sgemm", $"n={n}, {threads} thr", s, "ms", 1e3, sec => 2.0 * n * n * n / sec / 1e9, "GFLOP/s", note);
        }
        foreach (int n in Wanted("sgemm") ? new[] { 64, 128, 256, 512, 1024, 2048 } : [])
        {
            Sgemm(n, Threads.Default);
        }
        foreach (int n in Wanted("sgemm") ? new[] { 512, 1024 } : [])
        {
            Sgemm(n, 1);
        }
        Threads.Set(Threads.Default);

        // 2. MLP + Adam step, in a TensorScope as the baseline's step is in a dispose scope; then the same step as a
        //    PyTorch user writes it, without a scope (issue #18).
        foreach (int batch in Wanted("mlp_adam_step") ? new[] { 1, 16, 64, 256 } : [])
        {
            var s = TimeTrainingStep(() => new MlpCase(batch), c => c.Step(), c => c.LastLoss, out string loss);
            Add("mlp_adam_step", $"batch={batch}", s, "ms", 1e3, sec => batch / sec, "samples/s", loss);
        }
        foreach (int batch in Wanted("mlp_adam_step_noscope") ? new[] { 64, 256 } : [])
        {
            var s = TimeTrainingStep(() => new MlpCase(batch, useScope: false), c => c.Step(), c => c.LastLoss, out string loss);
            Add("mlp_adam_step_noscope", $"batch={batch}", s, "ms", 1e3, sec => batch / sec, "samples/s", loss);
        }

        // 3. Linear regression, 100 SGD steps; the case name embeds the final loss as the baseline formats it.
        foreach (bool column in Wanted("linreg_sgd_step") ? new[] { true, false } : [])
        {
            var s = Workloads.LinReg(column, out float finalLoss).Per(Workloads.LinRegSteps);
            Add("linreg_sgd_step", $"w{(column ? "[100,1]" : "[100]")} loss100={finalLoss:G3}", s, "us", 1e6);
        }

        // 4. Per-op overhead: the 1000-op chain.
        foreach (int size in Wanted("autograd_chain") ? new[] { 1, 16, 1024 } : [])
        {
            var (fwd, full) = Workloads.Chain(size);
            Add("autograd_chain", $"[{size}] fwd only", fwd, "us/op", 1e6);
            Add("autograd_chain", $"[{size}] fwd+bwd", full, "us/op", 1e6);
        }

        // 5. Large elementwise, forward only, fresh output each call; then what the fresh 16 MiB output alone costs.
        if (Wanted("elementwise_4M"))
        {
            const int N = 4 << 20;
            var g = new Generator(0);
            var x = Tensor.Randn([N], generator: g);
            var y = Tensor.Randn([N], generator: g);
            var ops = new (string Name, Func<Tensor> F, int Tensors)[]
                { ("exp(x)", () => x.Exp(), 2), ("tanh(x)", () => x.Tanh(), 2), ("x*y", () => x * y, 3), ("x+y", () => x + y, 3) };
            foreach (var (name, f, tensors) in ops)
            {
                // Disposed at once, as the baseline disposes libtorch's result: the next call reuses the pooled array.
                var s = Timing.Time(() => f().Dispose());
                Add("elementwise_4M", name, s, "ms", 1e3, sec => tensors * 4.0 * N / sec / 1e9, "GB/s");
            }
            var (alloc, allocWrite, reused) = AllocationCost.Measure();
            Add("alloc_16MiB", "uninitialized array", alloc, "ms", 1e3);
            Add("alloc_16MiB", "uninitialized + x+=1", allocWrite, "ms", 1e3, sec => 8.0 * N / sec / 1e9, "GB/s");
            Add("alloc_16MiB", "reused + x+=1", reused, "ms", 1e3, sec => 8.0 * N / sec / 1e9, "GB/s");
        }

        // 5b. Strided and reduced-dim kernels, forward only, fresh output each call.
        foreach (var (name, s) in Wanted("strided") ? Workloads.Strided() : [])
        {
            Add("strided", name, s, "ms", 1e3);
        }

        // 6a. Small CNN: conv-relu-pool ×2, linear, cross-entropy, SGD with momentum; scoped, then unscoped (issue #18).
        foreach (var (bench, useScope) in new[] { ("cnn_sgd_step", true), ("cnn_sgd_step_noscope", false) })
        {
            foreach (int batch in Wanted(bench) ? new[] { 32 } : [])
            {
                var s = TimeTrainingStep(() => new CnnCase(batch, useScope), c => c.Step(), c => c.LastLoss, out string loss);
                Add(bench, $"batch={batch}", s, "ms", 1e3, sec => batch / sec, "samples/s", loss);
            }
        }

        // 6b. One conv2d, forward + backward; the GFLOP/s count the forward and the two backward products.
        foreach (var (n, cin, cout, hw) in Wanted("conv2d_fwd_bwd") ? new[] { (32, 3, 32, 32), (32, 32, 64, 16) } : [])
        {
            var s = Workloads.Conv2dForwardBackward(n, cin, cout, hw);
            double flop = 3 * 2.0 * n * cout * hw * hw * cin * 9;
            Add("conv2d_fwd_bwd", $"[{n},{cin},{hw},{hw}] {cin}->{cout} k3 p1", s, "ms", 1e3, sec => flop / sec / 1e9, "GFLOP/s");
        }

        // 6c. One pre-LayerNorm transformer block (4 heads), MSE to a fixed target, Adam.
        if (Wanted("transformer_adam_step"))
        {
            var s = TimeTrainingStep(() => new TransformerBlockCase(16, 64, 128, 4), c => c.Step(), c => c.LastLoss, out string loss);
            Add("transformer_adam_step", "b=16 t=64 d=128 h=4", s, "ms", 1e3, sec => 16 * 64 / sec, "tokens/s", loss);
        }

        // 7. Memory: a fresh child process's peak working set, and steady-state managed allocation per MLP step.
        bool memory = Wanted("memory");
        var mem = memory ? MemoryProbe.RunInChild() : [];
        var steady = memory ? new[] { MemoryProbe.SteadyStateAllocation(64), MemoryProbe.SteadyStateAllocation(256) } : [];
        Console.WriteLine();
        if (memory)
        {
            Console.WriteLine($"Memory (fresh process, MLP batch 256, {mem.GetValueOrDefault("steps")} steps): " +
                              $"peak working set {mem.GetValueOrDefault("peak_working_set_mib")} MiB, " +
                              $"after library init {mem.GetValueOrDefault("baseline_working_set_mib")} MiB");
        }
        foreach (var st in steady)
        {
            Console.WriteLine($"Steady-state MLP batch {st["batch"]}: {st["bytes_allocated_per_step"]:N0} B allocated per step, " +
                              $"gen-2 collections over {st["steps"]} steps: {st["gen2_collections"]}");
        }
        long mainPeak;
        using (var self = Process.GetCurrentProcess())
        {
            mainPeak = self.PeakWorkingSet64;
        }

        var json = new Dictionary<string, object?>
        {
            ["timestamp_utc"] = DateTime.UtcNow.ToString("o"),
            ["library"] = "MiniTorch",
            ["git_commit"] = GitCommit(),
            ["cpu"] = cpu,
            ["threads_default"] = Threads.Default,
            ["threads_setting"] = Threads.Setting,
            ["results"] = rows.Select(r => r.ToJson()).ToList(),
            ["memory_mlp_batch256"] = mem,
            ["managed_allocation_per_mlp_step"] = steady,
            ["suite_process_peak_working_set_mib"] = Math.Round(mainPeak / 1048576.0, 1),
        };
        File.WriteAllText(outPath, JsonSerializer.Serialize(json, new JsonSerializerOptions
        {
            WriteIndented = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));
        Console.WriteLine($"Wrote {Path.GetFullPath(outPath)}");
    }

    /// <summary>
    /// Times a training step and notes its loss at the first and the last call: the steps train on a fixed batch, so a
    /// loss that is not finite or does not fall flags a broken kernel before anyone reads the timings. The JIT settles
    /// on a throwaway model; the timed one starts from the recipe's step 0 as the baseline's does, because a model
    /// trained longer is another workload (the batch-1 MLP reaches zero loss, and after ~800 steps its Adam moments
    /// decay into float32 subnormals, which made its step 1.25 → 2.35 ms on the Xeon).
    /// </summary>
    private static Stats TimeTrainingStep<TCase>(Func<TCase> make, Action<TCase> step, Func<TCase, double> lastLoss, out string lossNote)
    {
        var throwaway = make();
        Timing.SettleJit(() => step(throwaway));
        var timed = make();
        double first = double.NaN;
        var s = Timing.Time(() =>
        {
            step(timed);
            if (double.IsNaN(first))
            {
                first = lastLoss(timed);
            }
        }, settleJit: false);
        lossNote = $"loss {first:G4} -> {lastLoss(timed):G4}";
        return s;
    }

    private static string? GitCommit()
    {
        try
        {
            var psi = new ProcessStartInfo("git", "rev-parse --short HEAD") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            string s = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 ? s : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
