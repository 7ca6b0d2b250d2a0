using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;

// Arguments: dirA dirB rounds steps-per-round. Each directory holds StepRecipe.dll and the MiniTorch it was built
// against; each round times `steps` steps of A then of B (order alternating), printing per-variant min and the
// median of the paired ratios B/A; first the two versions' losses after 20 steps (equal when the change keeps the bits).
string[] dirs = [Path.GetFullPath(args[0]), Path.GetFullPath(args[1])];
int rounds = args.Length > 2 ? int.Parse(args[2]) : 30;
int steps = args.Length > 3 ? int.Parse(args[3]) : 5;
var stepsOf = new Action[2];
var losses = new Func<double>[2];
for (int v = 0; v < 2; v++)
{
    var dir = dirs[v];
    var context = new AssemblyLoadContext("v" + v);
    context.Resolving += (ctx, name) =>
    {
        var path = Path.Combine(dir, name.Name + ".dll");
        return File.Exists(path) ? ctx.LoadFromAssemblyPath(path) : null;
    };
    var asm = context.LoadFromAssemblyPath(Path.Combine(dir, "StepRecipe.dll"));
    if (AbClock.ThreadCpuRequested)
    {
        // One thread, timed in its CPU time: the work itself, far less disturbed by other jobs than wall time.
        var core = context.LoadFromAssemblyPath(Path.Combine(dir, "MiniTorch.dll"));
        core.GetType("MiniTorch.Parallelism")!.GetProperty("MaxThreads")!.SetValue(null, 1);
    }
    var type = asm.GetType("MiniTorch.Benchmarks.Runner.TransformerBlockCase")!;
    var block = Activator.CreateInstance(type, 16, 64, 128, 4)!;
    stepsOf[v] = type.GetMethod("Step")!.CreateDelegate<Action>(block);
    var prop = type.GetProperty("LastLoss")!;
    losses[v] = () => (double)prop.GetValue(block)!;
}
// The same number of steps from the same start: the losses must agree bit for bit when the change keeps the bits.
var early = new double[2];
for (int v = 0; v < 2; v++)
{
    for (int i = 0; i < 20; i++)
    {
        stepsOf[v]();
    }
    early[v] = losses[v]();
}
Console.WriteLine($"loss after 20 steps: A {early[0]:R} B {early[1]:R} {(early[0] == early[1] ? "(identical)" : "(DIFFERENT)")}");
double[] best = [double.MaxValue, double.MaxValue];
var perVariant = new[] { new List<double>(), new List<double>() };
var ratios = new List<double>();
var t = new double[2];
for (int r = 0; r < rounds; r++)
{
    for (int k = 0; k < 2; k++)
    {
        int v = r % 2 == 0 ? k : 1 - k;
        double begin = AbClock.Now(AbClock.ThreadCpuRequested);
        for (int i = 0; i < steps; i++)
        {
            stepsOf[v]();
        }
        t[v] = (AbClock.Now(AbClock.ThreadCpuRequested) - begin) * 1e3 / steps;
        best[v] = Math.Min(best[v], t[v]);
        perVariant[v].Add(t[v]);
    }
    ratios.Add(t[1] / t[0]);
}
ratios.Sort();
perVariant[0].Sort();
perVariant[1].Sort();
Console.WriteLine($"{(AbClock.ThreadCpuRequested ? "1 thread, thread CPU time" : "wall time")}: A min {best[0]:F2} ms median {perVariant[0][rounds / 2]:F2} | B min {best[1]:F2} ms median {perVariant[1][rounds / 2]:F2} | " +
    $"B/A min {best[1] / best[0]:F3}, median paired {ratios[rounds / 2]:F3} (quartiles {ratios[rounds / 4]:F3}-{ratios[3 * rounds / 4]:F3}), {rounds}x{steps} steps");
