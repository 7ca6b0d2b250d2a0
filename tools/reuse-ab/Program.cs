using System.Diagnostics;
using MiniTorch;
using MiniTorch.NN;
using MiniTorch.Optim;

// Scoped vs unscoped training steps, interleaved in one process; and the per-tensor cost of MemoryReuse.
string mode = args.Length > 0 ? args[0] : "steps";
int rounds = args.Length > 1 ? int.Parse(args[1]) : 40;
if (mode == "steps")
{
    foreach (var (name, make) in new (string, Func<bool, Action>)[]
    {
        ("mlp b=64", s => Mlp(64, s)), ("mlp b=256", s => Mlp(256, s)), ("cnn b=32", s => Cnn(32, s)),
    })
    {
        var scoped = make(true);
        var plain = make(false);
        for (int i = 0; i < 30; i++) { scoped(); plain(); }
        var sw = Stopwatch.StartNew();
        scoped();
        int inner = Math.Max(5, (int)(0.05 / sw.Elapsed.TotalSeconds));
        var ts = new List<double>(); var tu = new List<double>(); var ratios = new List<double>();
        int gen2Before = 0, gen2 = 0, steps = 0;
        for (int r = 0; r < rounds; r++)
        {
            double a = Block(scoped, inner);
            gen2Before = GC.CollectionCount(2);
            double b = Block(plain, inner);
            gen2 += GC.CollectionCount(2) - gen2Before; steps += inner;
            ts.Add(a); tu.Add(b); ratios.Add(b / a);
        }
        Console.WriteLine($"{name}: scoped min {ts.Min() * 1e3:F3} med {Med(ts) * 1e3:F3} ms | unscoped min {tu.Min() * 1e3:F3} med {Med(tu) * 1e3:F3} ms | ratio min/min {tu.Min() / ts.Min():F3} med/med {Med(tu) / Med(ts):F3} paired-median {Med(ratios):F3} | unscoped gen2 {gen2} in {steps} steps");
    }
}
else if (mode == "recycle" || mode == "runner")
{
    // Scoped, unscoped, and unscoped without GradientRecycling (dropped gradients left to the collector), for the MLP.
    var recycling = typeof(MemoryReuse).Assembly.GetType("MiniTorch.GradientRecycling")!.GetField("Enabled", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
    (string Name, bool Scope, bool Recycle)[] variants = [("scoped", true, true), ("unscoped", false, true), ("unscoped, no recycling", false, false)];
    foreach (int batch in new[] { 64, 256 })
    {
        var times = variants.Select(_ => new List<double>()).ToArray();
        if (mode == "recycle")
        {
            var steps = variants.Select(v => Mlp(batch, v.Scope)).ToArray();
            for (int i = 0; i < 30; i++) for (int k = 0; k < steps.Length; k++) { recycling.SetValue(null, variants[k].Recycle); steps[k](); }
            int inner = batch == 64 ? 30 : 10;
            for (int r = 0; r < rounds; r++)
            {
                for (int k = 0; k < steps.Length; k++)
                {
                    recycling.SetValue(null, variants[k].Recycle);
                    times[k].Add(Block(steps[k], inner));
                }
            }
        }
        else
        {
            // The bench runner's method (Timing.Time): a fresh model, 3 warm-up steps, a full collection, one calibration
            // step, then 250 ms blocks; here 3 blocks per turn, the variants taking turns, so the drift hits all alike.
            var steps = variants.Select(v => Mlp(batch, v.Scope)).ToArray();
            int[] inner = new int[steps.Length];
            for (int k = 0; k < steps.Length; k++)
            {
                recycling.SetValue(null, variants[k].Recycle);
                for (int i = 0; i < 3; i++) steps[k]();
                GC.Collect(); GC.WaitForPendingFinalizers();
                var sw = Stopwatch.StartNew(); steps[k]();
                inner[k] = (int)Math.Ceiling(0.25 / sw.Elapsed.TotalSeconds);
            }
            for (int r = 0; r < rounds; r++)
            {
                for (int k = 0; k < steps.Length; k++)
                {
                    recycling.SetValue(null, variants[k].Recycle);
                    for (int b = 0; b < 3; b++) times[k].Add(Block(steps[k], inner[k]));
                }
            }
        }
        recycling.SetValue(null, true);
        Console.Write($"mlp b={batch} ({mode}):");
        for (int k = 0; k < variants.Length; k++)
        {
            Console.Write($" | {variants[k].Name} min {times[k].Min() * 1e3:F3} med {Med(times[k]) * 1e3:F3} (/scoped {times[k].Min() / times[0].Min():F3} / {Med(times[k]) / Med(times[0]):F3})");
        }
        Console.WriteLine();
    }
}
else if (mode == "alloc")
{
    using var gcEvents = new GcReasons();
    // Load-independent figures of the unscoped loop: what each step allocates and where its arrays come back from.
    var released = typeof(MemoryReuse).GetProperty("ReleasedDuringBackwardBytes", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static);
    var recycled = typeof(MemoryReuse).Assembly.GetType("MiniTorch.GradientRecycling")?.GetProperty("RecycledBytes", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static);
    foreach (var (name, make) in new (string, Func<bool, Action>)[] { ("mlp b=64", s => Mlp(64, s)), ("mlp b=256", s => Mlp(256, s)), ("cnn b=32", s => Cnn(32, s)) })
    {
        var plain = make(false);
        for (int i = 0; i < 100; i++) plain();
        int Steps = rounds;
        long a0 = GC.GetAllocatedBytesForCurrentThread(), r0 = MemoryReuse.ReclaimedBytes, e0 = released is null ? 0 : (long)released.GetValue(null)!, z0 = recycled is null ? 0 : (long)recycled.GetValue(null)!;
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        for (int i = 0; i < Steps; i++) plain();
        long e1 = released is null ? 0 : (long)released.GetValue(null)!, z1 = recycled is null ? 0 : (long)recycled.GetValue(null)!;
        Console.WriteLine($"  gen2 reasons: {gcEvents.Take()}");
        Console.WriteLine($"{name} unscoped, per step: managed allocation {(GC.GetAllocatedBytesForCurrentThread() - a0) / Steps / 1024.0:F1} KiB | recycled after a collection {(MemoryReuse.ReclaimedBytes - r0) / Steps / 1024.0:F1} KiB | released during backward {(e1 - e0) / Steps / 1024.0:F1} KiB | dropped gradients recycled at ZeroGrad {(z1 - z0) / Steps / 1024.0:F1} KiB | gen0/1/2 over {Steps} steps: {GC.CollectionCount(0) - g0}/{GC.CollectionCount(1) - g1}/{GC.CollectionCount(2) - g2}");
    }
}
else if (mode == "sequential")
{
    // As the bench runner does: all of one variant's steps, then all of the other's, each with the GC pause it caused.
    foreach (int batch in new[] { 64, 256 })
    {
        foreach (bool useScope in new[] { true, false, true, false })
        {
            var step = Mlp(batch, useScope);
            for (int i = 0; i < 50; i++) step();
            var pause0 = GC.GetTotalPauseDuration();
            var times = new List<double>();
            for (int r = 0; r < rounds; r++) times.Add(Block(step, 20));
            double pause = (GC.GetTotalPauseDuration() - pause0).TotalMilliseconds / (rounds * 20);
            Console.WriteLine($"mlp b={batch} {(useScope ? "scoped  " : "unscoped")}: min {times.Min() * 1e3:F3} med {Med(times) * 1e3:F3} ms, GC pause {pause:F3} ms per step");
        }
    }
}
else if (mode == "threshold")
{
    foreach (int batch in new[] { 64, 256 })
    {
        var scoped = Mlp(batch, true);
        var plain = Mlp(batch, false);
        long[] mibs = [4, 8, 16, 32];
        for (int i = 0; i < 30; i++) { scoped(); foreach (var m in mibs) { MemoryReuse.CollectThresholdBytes = m << 20; plain(); } }
        var ts = new List<double>();
        var tu = mibs.Select(_ => new List<double>()).ToArray();
        var gen2 = new int[mibs.Length];
        var gen0 = new int[mibs.Length];
        int inner = batch == 64 ? 40 : 15;
        for (int r = 0; r < rounds; r++)
        {
            ts.Add(Block(scoped, inner));
            for (int k = 0; k < mibs.Length; k++)
            {
                MemoryReuse.CollectThresholdBytes = mibs[k] << 20;
                int g0 = GC.CollectionCount(2), y0 = GC.CollectionCount(0);
                tu[k].Add(Block(plain, inner));
                gen2[k] += GC.CollectionCount(2) - g0;
                gen0[k] += GC.CollectionCount(0) - y0;
            }
        }
        MemoryReuse.CollectThresholdBytes = 32L << 20;
        Console.Write($"mlp b={batch}: scoped min {ts.Min() * 1e3:F3} med {Med(ts) * 1e3:F3}");
        for (int k = 0; k < mibs.Length; k++)
        {
            Console.Write($" | {mibs[k]} MiB: ratio min {tu[k].Min() / ts.Min():F3} med {Med(tu[k]) / Med(ts):F3} gen2 {gen2[k]} collections per 100 steps {100.0 * gen0[k] / (rounds * inner):F1}");
        }
        Console.WriteLine();
    }
}
else if (mode == "cost")
{
    // Run one backward so this thread has a tracker (tracking starts on threads that train).
    var w = Tensor.Randn([4], requiresGrad: true);
    (w * 2).Sum().Backward();
    foreach (int len in new[] { 16, 1024, 16384 })
    {
        const int PerBlock = 2000;
        var on = new List<double>(); var off = new List<double>();
        Action body = () =>
        {
            for (int i = 0; i < PerBlock; i++) { _ = Tensor.Zeros([len]); }
            (w * 2).Sum().Backward(); // a safe point: the tracker reclaims
        };
        for (int i = 0; i < 20; i++) { MemoryReuse.Enabled = true; body(); MemoryReuse.Enabled = false; body(); }
        for (int r = 0; r < rounds; r++)
        {
            MemoryReuse.Enabled = true; on.Add(Block(body, 5) / PerBlock);
            MemoryReuse.Enabled = false; off.Add(Block(body, 5) / PerBlock);
        }
        MemoryReuse.Enabled = true;
        Console.WriteLine($"Zeros([{len}]) ({len * 4} B) + a safe point every {PerBlock}: on min {on.Min() * 1e9:F0} med {Med(on) * 1e9:F0} ns | off min {off.Min() * 1e9:F0} med {Med(off) * 1e9:F0} ns per tensor");
    }
    // A chain of elementwise ops, forward + backward: tracking of each output and the release of each intermediate gradient.
    foreach (int len in new[] { 16, 1024, 16384 })
    {
        var x = Tensor.Randn([len], requiresGrad: true);
        const int Ops = 200;
        Action chain = () =>
        {
            var h = x;
            for (int i = 0; i < Ops; i++) h = h * 1.0001f;
            h.Sum().Backward();
            x.Grad = null;
        };
        var on = new List<double>(); var off = new List<double>();
        for (int i = 0; i < 10; i++) { MemoryReuse.Enabled = true; chain(); MemoryReuse.Enabled = false; chain(); }
        for (int r = 0; r < rounds; r++)
        {
            MemoryReuse.Enabled = true; on.Add(Block(chain, 5) / Ops);
            MemoryReuse.Enabled = false; off.Add(Block(chain, 5) / Ops);
        }
        MemoryReuse.Enabled = true;
        Console.WriteLine($"chain x*c [{len}] fwd+bwd: on min {on.Min() * 1e6:F3} med {Med(on) * 1e6:F3} us/op | off min {off.Min() * 1e6:F3} med {Med(off) * 1e6:F3} us/op");
    }
}

static double Block(Action body, int n)
{
    // Process CPU time, not wall-clock: the shared machine runs ~15 other threads per core, and descheduled time is
    // not this code's. It still includes this process's GC and worker threads.
    double t0 = Cpu.Now();
    for (int i = 0; i < n; i++) body();
    return (Cpu.Now() - t0) / n;
}

static double Med(List<double> v) { var s = v.OrderBy(x => x).ToList(); return s[s.Count / 2]; }

static Action Mlp(int batch, bool useScope)
{
    var g = new Generator(0);
    var model = new Sequential(new Linear(784, 256, generator: g), new Relu(), new Linear(256, 256, generator: g), new Relu(), new Linear(256, 10, generator: g));
    var opt = new Adam(model.Parameters(), lr: 1e-3);
    return Step(model, opt, Tensor.Randn([batch, 784], generator: g), Labels(batch, 10, g), useScope);
}

static Action Cnn(int batch, bool useScope)
{
    var g = new Generator(0);
    var model = new Sequential(
        new Conv2d(3, 32, 3, padding: 1, generator: g), new Relu(), new MaxPool2d(2),
        new Conv2d(32, 64, 3, padding: 1, generator: g), new Relu(), new MaxPool2d(2),
        new Flatten(), new Linear(64 * 8 * 8, 10, generator: g));
    var opt = new Sgd(model.Parameters(), lr: 0.01, momentum: 0.9);
    return Step(model, opt, Tensor.Randn([batch, 3, 32, 32], generator: g), Labels(batch, 10, g), useScope);
}

// One step as a PyTorch user writes it, inside a TensorScope or not.
static Action Step(Module model, Optimizer opt, Tensor x, Tensor y, bool useScope)
{
    var lossFn = new CrossEntropyLoss();
    return () =>
    {
        using var scope = useScope ? TensorScope.Enter() : null;
        opt.ZeroGrad();
        var loss = lossFn.Call(model.Call(x), y);
        loss.Backward();
        opt.Step();
        _ = loss.Item();
    };
}

static Tensor Labels(int batch, int classes, Generator g)
{
    var labels = new long[batch];
    for (int i = 0; i < batch; i++) labels[i] = g.NextInt(classes);
    return Tensor.FromArray(labels);
}

static class Cpu
{
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct Timespec { public long Sec; public long Nsec; }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec ts);

    private static readonly int Clock = Environment.GetEnvironmentVariable("AB_CLOCK") == "wall" ? 1 : 2; // CLOCK_MONOTONIC : CLOCK_PROCESS_CPUTIME_ID

    public static double Now()
    {
        ClockGetTime(Clock, out var ts);
        return ts.Sec + ts.Nsec * 1e-9;
    }
}

sealed class GcReasons : System.Diagnostics.Tracing.EventListener
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _seen = new();

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Informational, (System.Diagnostics.Tracing.EventKeywords)1);
        }
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName == "GCStart_V2" || e.EventName == "GCStart_V1" || e.EventName == "GCStart")
        {
            int depth = Convert.ToInt32(e.Payload![e.PayloadNames!.IndexOf("Depth")]);
            if (depth == 2)
            {
                _seen.Enqueue($"reason={e.Payload![e.PayloadNames!.IndexOf("Reason")]} type={e.Payload![e.PayloadNames!.IndexOf("Type")]}");
            }
        }
    }

    public string Take()
    {
        var list = new List<string>();
        while (_seen.TryDequeue(out var s)) list.Add(s);
        return string.Join("; ", list);
    }
}
