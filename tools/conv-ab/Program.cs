using System.Diagnostics;
using System.Reflection;
using MiniTorch;
using MiniTorch.NN;

// The digits CNN's inference and single convolutions, the batched forward (new) against the per-sample products
// (old), interleaved in one process: modes "infer", "conv", "profile"; rounds of ~20 ms blocks each.
string mode = args.Length > 0 ? args[0] : "infer";
int rounds = args.Length > 1 ? int.Parse(args[1]) : 40;
var enabled = typeof(Tensor).Assembly.GetType("MiniTorch.Kernels.ConvBatchedForward`1")!.MakeGenericType(typeof(float))
    .GetProperty("Enabled", BindingFlags.NonPublic | BindingFlags.Static)!;
if (Environment.GetEnvironmentVariable("AB_THREADS") is { } t) { Parallelism.MaxThreads = int.Parse(t); }
void Use(bool batched) => enabled.SetValue(null, batched);

var g = new Generator(2);
var model = new Sequential(
    new Conv2d(1, 16, 3, padding: 1, generator: g), new BatchNorm2d(16), new Relu(), new MaxPool2d(2),
    new Conv2d(16, 32, 3, padding: 1, generator: g), new Relu(), new MaxPool2d(2),
    new Flatten(),
    new Linear(32 * 2 * 2, 10, generator: g));
model.Eval();
Tensor Infer(Tensor x) { using (Autograd.NoGrad()) { return model.Call(x); } }

if (mode == "profile")
{
    var x = Tensor.Randn([256, 1, 8, 8], generator: g);
    var sw = Stopwatch.StartNew();
    int n = 0;
    while (sw.Elapsed.TotalSeconds < rounds) { Infer(x); n++; }
    Console.WriteLine($"{n} calls, {sw.Elapsed.TotalMilliseconds / n:F3} ms each");
    return;
}
var cases = new List<(string Name, Action Run)>();
if (mode == "infer")
{
    foreach (int batch in new[] { 256, 1 })
    {
        var x = Tensor.Randn([batch, 1, 8, 8], generator: g);
        cases.Add(($"digits CNN b={batch}", () => Infer(x)));
    }
}
else
{
    foreach (var (n, c, h, o) in new[] { (256, 1, 8, 16), (256, 16, 4, 32), (32, 32, 16, 64), (32, 3, 32, 32) })
    {
        var x = Tensor.Randn([n, c, h, h], generator: g);
        var w = Tensor.Randn([o, c, 3, 3], generator: g);
        var b = Tensor.Randn([o], generator: g);
        cases.Add(($"conv [{n},{c},{h},{h}] {c}->{o}", () => { using (Autograd.NoGrad()) { Tensor.Conv2d(x, w, b, padding: (1, 1)); } }));
    }
}
foreach (var (name, run) in cases)
{
    Use(true); for (int i = 0; i < 50; i++) run();
    Use(false); for (int i = 0; i < 50; i++) run();
    var sw = Stopwatch.StartNew(); run();
    int inner = Math.Max(3, (int)(0.02 / sw.Elapsed.TotalSeconds));
    var tOld = new List<double>(); var tNew = new List<double>(); var ratios = new List<double>();
    for (int r = 0; r < rounds; r++)
    {
        Use(false); double a = Block(run, inner);
        Use(true); double b = Block(run, inner);
        tOld.Add(a); tNew.Add(b); ratios.Add(b / a);
    }
    Console.WriteLine($"{name}: old min {tOld.Min() * 1e6:F1} med {Med(tOld) * 1e6:F1} us | new min {tNew.Min() * 1e6:F1} med {Med(tNew) * 1e6:F1} us | new/old min {tNew.Min() / tOld.Min():F3} med {Med(tNew) / Med(tOld):F3} paired-median {Med(ratios):F3} ({rounds}x{inner})");
}

static double Block(Action run, int inner)
{
    var sw = Stopwatch.StartNew();
    for (int i = 0; i < inner; i++) run();
    return sw.Elapsed.TotalSeconds / inner;
}

static double Med(List<double> v) { var s = v.OrderBy(t => t).ToList(); return s[s.Count / 2]; }
