using AutogradTour;
using MiniTorch;

// A tour of MiniTorch's autograd, following the d2l notes on automatic differentiation.
// Run: dotnet run --project examples/AutogradTour [-- --out DIR]   (plots go to DIR, default ./output)
string outDir = args.Length >= 2 && args[0] == "--out" ? args[1] : Path.Combine("output", "AutogradTour");
Console.WriteLine("== 1. A first gradient: y = 2·xᵀx ==");
var (x, y, grad) = SeedExamples.DotProductGradient();
Console.WriteLine($"x = {x}");
Console.WriteLine($"y = {y}");
Console.WriteLine($"x.Grad = {grad}   (expected 4x)");

Console.WriteLine();
Console.WriteLine("== 2. Backward twice ==");
var twice = Tensor.Arange(4.0, requiresGrad: true);
var yTwice = 2 * Tensor.Dot(twice, twice);
yTwice.Backward(retainGraph: true);
yTwice.Backward();
Console.WriteLine($"with retainGraph: true the gradient accumulates: {twice.Grad}");
try
{
    yTwice.Backward();
}
catch (AutogradException e)
{
    Console.WriteLine($"a third backward, after the buffers were freed, fails:\n  {e.Message}");
}

Console.WriteLine();
Console.WriteLine("== 3. Gradients accumulate until zeroed ==");
Console.WriteLine($"after ZeroInPlace, y = Σx:  x.Grad = {SeedExamples.SumGradient(x)}");
Console.WriteLine($"y = x·x with y.Backward(OnesLike(y)):  x.Grad = {SeedExamples.NonScalarBackward(x)}   (2x)");
try
{
    (x * x).Backward();
}
catch (AutogradException e)
{
    Console.WriteLine($"without the vector:\n  {e.Message}");
}
var (u, detachedGrad) = SeedExamples.DetachedComputation(x);
Console.WriteLine($"u = (x·x).Detach(); z = u·x:  x.Grad = {detachedGrad}, u = {u}");

Console.WriteLine();
Console.WriteLine("== 4. Python-style control flow ==");
var (a, d) = SeedExamples.ControlFlowGradient(size: 0, seed: 1);
Console.WriteLine($"a = {a.Detach()}, f(a) = {d.Detach()}, a.Grad = {a.Grad}, f(a)/a = {(d / a).Detach()}");
var (av, dv) = SeedExamples.ControlFlowGradient(size: 4, seed: 2);
Console.WriteLine($"vector a: a.Grad = {av.Grad}\n          d/a    = {(dv / av).Detach()}");

Console.WriteLine();
Console.WriteLine("== 5. The derivative of sin, by autograd ==");
var (sx, _, dydx) = SeedExamples.SineDerivative();
using (Autograd.NoGrad())
{
    double maxError = (dydx - sx.Cos()).Abs().Max().Item();
    Console.WriteLine($"100 points on [-5, 5]: max |autograd − cos(x)| = {maxError:0.00e+00}");
}
string sinPlot = SeedExamples.PlotSine(Path.Combine(outDir, "sin.png"));
Console.WriteLine($"plot of sin(x) and its autograd derivative: {sinPlot}");

Console.WriteLine();
Console.WriteLine("== 6. Higher order: x³ at x = 2 ==");
var (first, second) = SeedExamples.CubeDerivatives();
Console.WriteLine($"dy/dx = {first}   d²y/dx² = {second}");

Console.WriteLine();
Console.WriteLine("== 7. The least-squares gradient: ∇‖Xw − y‖² = 2Xᵀ(Xw − y) ==");
var (auto, byHand) = SeedExamples.LeastSquaresGradient(100, 5, seed: 3);
Console.WriteLine($"autograd: {auto}");
Console.WriteLine($"by hand:  {byHand}");
using (Autograd.NoGrad())
{
    Console.WriteLine($"max |difference| = {(auto - byHand).Abs().Max().Item():0.00e+00}");
}
