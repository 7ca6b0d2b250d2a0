using System.Globalization;
using ForwardVsReverse;
using MiniTorch.Examples;

// Forward versus reverse mode, as the d2l notes compare them: the full Jacobian of a loss f: Rⁿ → R costs one
// backward pass but n forward passes; that of a curve g: R → Rᵐ costs one forward pass but m backward passes.
// Then Newton's method with the Hessian. Run: dotnet run --project examples/ForwardVsReverse [-- --out DIR --max N]
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // "0.5", not "0,5", whatever the machine's locale
string outDir = Path.Combine("output", "ForwardVsReverse");
int maxSize = 1024;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--out": outDir = args[i + 1]; break;
        case "--max": maxSize = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: throw new ArgumentException($"ForwardVsReverse: unknown option {args[i]}; use --out DIR and --max N.");
    }
}

var sizes = new List<int>();
for (int s = 1; s <= maxSize; s *= 4)
{
    sizes.Add(s);
}

var loss = Report("f: Rⁿ → R (a loss), full Jacobian (1 × n)", "n", sizes, n => JacobianTiming.ForLoss(n, repeats: 3));
var curve = Report("g: R → Rᵐ (a curve), full Jacobian (m × 1)", "m", sizes, m => JacobianTiming.ForCurve(m, repeats: 3));

double[] log2Sizes = sizes.ConvertAll(s => Math.Log2(s)).ToArray();
const string SizeAxis = "log2 of n (inputs of f) or m (outputs of g)";
string timePlot = Plots.SaveLines(Path.Combine(outDir, "jacobian-time.png"), "Full Jacobian: time by mode", SizeAxis, "seconds",
[
    new Plots.Series("f: Rⁿ→R, reverse", log2Sizes, loss.ConvertAll(c => c.ReverseSeconds).ToArray()),
    new Plots.Series("f: Rⁿ→R, forward", log2Sizes, loss.ConvertAll(c => c.ForwardSeconds).ToArray()),
    new Plots.Series("g: R→Rᵐ, reverse", log2Sizes, curve.ConvertAll(c => c.ReverseSeconds).ToArray()),
    new Plots.Series("g: R→Rᵐ, forward", log2Sizes, curve.ConvertAll(c => c.ForwardSeconds).ToArray()),
], logY: true, legend: ScottPlot.Alignment.UpperLeft);
string memoryPlot = Plots.SaveLines(Path.Combine(outDir, "jacobian-memory.png"),
    "Bytes one pass allocates (GC.GetAllocatedBytesForCurrentThread)", SizeAxis, "KiB allocated by one pass",
[
    new Plots.Series("f: Rⁿ→R, reverse (values + graph)", log2Sizes, loss.ConvertAll(c => c.ReverseAllocatedBytes / 1024.0).ToArray()),
    new Plots.Series("f: Rⁿ→R, forward (values + tangents)", log2Sizes, loss.ConvertAll(c => c.ForwardAllocatedBytes / 1024.0).ToArray()),
    new Plots.Series("g: R→Rᵐ, reverse (values + graph)", log2Sizes, curve.ConvertAll(c => c.ReverseAllocatedBytes / 1024.0).ToArray()),
    new Plots.Series("g: R→Rᵐ, forward (values + tangents)", log2Sizes, curve.ConvertAll(c => c.ForwardAllocatedBytes / 1024.0).ToArray()),
], logY: true, legend: ScottPlot.Alignment.UpperLeft);
Console.WriteLine($"Plots: {timePlot}, {memoryPlot}");
Console.WriteLine("Reverse mode wins for many inputs and one output, forward mode for one input and many outputs;");
Console.WriteLine($"Memory: bytes one pass allocates. A reverse pass records the {Workloads.Depth}-layer graph, which keeps its saved tensors");
Console.WriteLine("alive until backward; a forward pass computes each tangent beside its value and needs neither once the next layer has run.");

Console.WriteLine();
Console.WriteLine("== Newton's method with Hessian() on L2-regularised logistic regression (5 weights) ==");
var f = Newton.LogisticLoss();
var newton = Newton.Minimise(f, dims: 5, tolerance: 1e-10, maxSteps: 20);
foreach (var it in newton)
{
    Console.WriteLine($"  Newton step {it.Step,2}: loss {it.Loss:F12}  |grad| {it.GradientNorm:E2}");
}
var descent = Newton.GradientDescent(f, dims: 5, learningRate: 1.0, tolerance: 1e-10, maxSteps: 5000);
Console.WriteLine($"Gradient descent (step 1.0) needs {descent.Count - 1} steps to reach |grad| ≤ 1e-10 (loss {descent[^1].Loss:F12}); Newton needs {newton.Count - 1}.");

static List<JacobianCost> Report(string title, string sizeName, List<int> sizes, Func<int, JacobianCost> measure)
{
    Console.WriteLine($"== {title} ==");
    Console.WriteLine($"{sizeName,6} {"reverse ms",11} {"forward ms",11} {"faster",8} {"reverse alloc KiB",18} {"forward alloc KiB",18} {"max |Jf − Jr|",14}");
    var results = new List<JacobianCost>();
    foreach (int size in sizes)
    {
        var c = measure(size);
        results.Add(c);
        string faster = c.ReverseSeconds < c.ForwardSeconds ? "reverse" : "forward";
        Console.WriteLine($"{c.Size,6} {c.ReverseSeconds * 1e3,11:F3} {c.ForwardSeconds * 1e3,11:F3} {faster,8} {c.ReverseAllocatedBytes / 1024.0,18:F1} {c.ForwardAllocatedBytes / 1024.0,18:F1} {c.MaxDifference,14:E1}");
    }
    Console.WriteLine();
    return results;
}
