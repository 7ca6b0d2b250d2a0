using System.Globalization;
using LinearRegression;

// Linear regression with MiniTorch: (a) synthetic data, the least-squares gradient by hand and by autograd, and
// SGD against Adam through a DataLoader; (b) the real diabetes data. Both are checked against the exact
// least-squares solution of the normal equations.
// Run: dotnet run --project examples/LinearRegression [-- --out DIR]   (loss.png goes to DIR, default ./output/LinearRegression)
string outDir = Path.Combine("output", "LinearRegression");
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--out" && i + 1 < args.Length)
    {
        outDir = args[++i];
    }
    else
    {
        Console.Error.WriteLine($"unknown argument '{args[i]}'. Usage: dotnet run --project examples/LinearRegression [-- --out DIR]");
        return 2;
    }
}
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var settings = ExampleSettings.Default;
var s = settings.Synthetic;

Console.WriteLine($"== (a) Synthetic data: X {s.Samples}×{s.Features} ~ N(0, 1), y = X·w* + ε, ε ~ N(0, {s.NoiseStd}²), seed {s.Seed} ==");
var problem = SyntheticProblem.Create(s);
Console.WriteLine($"w* = {Report.Vector(problem.TrueWeights.ToDoubleArray())}");

Console.WriteLine();
Console.WriteLine("The gradient of ‖Xw − y‖² at a random w:");
var gradients = problem.CompareGradients(seed: 7);
Console.WriteLine($"  autograd:           {Report.Vector(gradients.Autograd.ToDoubleArray())}");
Console.WriteLine($"  by hand 2Xᵀ(Xw−y):  {Report.Vector(gradients.ByHand.ToDoubleArray())}");
Console.WriteLine($"  max |autograd − by hand| = {gradients.MaxAbsDifference:0.00e+00}");
Console.WriteLine($"  max |autograd − the formula in float64| = {gradients.MaxAbsErrorOfAutograd:0.00e+00}, relative to max |gradient| {gradients.MaxAbsGradient:0.0}: {gradients.MaxAbsErrorOfAutograd / gradients.MaxAbsGradient:0.0e+00} (float32 rounding)");

Console.WriteLine();
var exact = problem.LeastSquares();
double exactLoss = exact.MeanSquaredError(problem.FeaturesAsDoubles(), problem.TargetsAsDoubles());
Console.WriteLine("Least-squares solution (normal equations by Cholesky, float64):");
Console.WriteLine($"  w = {Report.Vector(exact.Weights)}, b = {exact.Bias:0.0000}, training MSE {exactLoss:0.000000}");
double statisticalError = exact.DistanceTo(new AffineFit(problem.TrueWeights.ToDoubleArray(), 0));
Console.WriteLine($"  its distance to (w*, 0), the error the noise causes: {statisticalError:0.0000}");

var runs = new List<LossPlot.Curve>();
foreach (var training in new[] { settings.SyntheticSgd, settings.SyntheticAdam })
{
    Console.WriteLine();
    Console.WriteLine($"-- {Report.Describe(training)} --");
    var run = LinearTrainer.Train(problem.Features, problem.Targets, training, Report.Progress);
    double distance = run.Fit.DistanceTo(exact);
    Console.WriteLine($"{training.Optimizer}: final MSE {run.Losses[^1]:0.000000} (least squares {exactLoss:0.000000}), distance of (w, b) to the least-squares solution = {distance:0.00e+00}");
    runs.Add(new LossPlot.Curve($"synthetic, {training.Optimizer}", run.Losses, exactLoss));
}

Console.WriteLine();
Console.WriteLine("== (b) Diabetes: 442 patients × 10 baseline variables → disease progression after one year ==");
var data = DiabetesData.Load();
Console.WriteLine($"loaded {data.Features.Size(0)}×{data.Features.Size(1)} features and {data.Targets.Size(0)} targets from {DiabetesData.DefaultDirectory}");
Console.WriteLine("features standardised to mean 0, std 1; target centred and scaled for training, reported on its own scale");
Console.WriteLine($"-- {Report.Describe(settings.Diabetes)} --");
var diabetes = DiabetesRegression.Fit(data, settings.Diabetes, Report.Progress);
Console.WriteLine($"final MSE {diabetes.Run.Losses[^1]:0.000000} (least squares {diabetes.ExactTrainingLoss:0.000000}, standardised target)");
runs.Add(new LossPlot.Curve($"diabetes (standardised), {settings.Diabetes.Optimizer}", diabetes.Run.Losses, diabetes.ExactTrainingLoss));
Console.WriteLine();
Console.WriteLine("coefficient per standard deviation of the feature (disease-progression units; the features are standardised):");
Console.WriteLine($"  {"feature",-9}{"learned",10}{"normal eq.",12}{"difference",12}");
for (int j = 0; j < DiabetesData.FeatureNames.Count; j++)
{
    double learned = diabetes.Learned.Weights[j], solved = diabetes.Exact.Weights[j];
    Console.WriteLine($"  {DiabetesData.FeatureNames[j],-9}{learned,10:0.000}{solved,12:0.000}{learned - solved,12:0.000}");
}
Console.WriteLine($"  {"intercept",-9}{diabetes.Learned.Bias,10:0.000}{diabetes.Exact.Bias,12:0.000}{diabetes.Learned.Bias - diabetes.Exact.Bias,12:0.000}");
Console.WriteLine($"max |coefficient difference| = {diabetes.MaxCoefficientDifference:0.0000}");
Console.WriteLine();
int samples = data.Features.Size(0);
var learnedSk = DiabetesRegression.ToUnitSumOfSquaresScaling(diabetes.Learned, samples);
var exactSk = DiabetesRegression.ToUnitSumOfSquaresScaling(diabetes.Exact, samples);
Console.WriteLine($"the same coefficients in scikit-learn's scaling (load_diabetes(): columns centred, unit sum of squares;");
Console.WriteLine($"coefficient per standard deviation × √{samples}), beside scikit-learn's well-known OLS coefficients:");
Console.WriteLine($"  {"feature",-9}{"learned",10}{"normal eq.",12}{"scikit-learn",14}");
for (int j = 0; j < DiabetesData.FeatureNames.Count; j++)
{
    Console.WriteLine($"  {DiabetesData.FeatureNames[j],-9}{learnedSk.Weights[j],10:0.0}{exactSk.Weights[j],12:0.0}{DiabetesRegression.ScikitLearnOlsCoefficients[j],14:0.0}");
}
Console.WriteLine($"  {"intercept",-9}{learnedSk.Bias,10:0.0}{exactSk.Bias,12:0.0}{DiabetesRegression.ScikitLearnOlsIntercept,14:0.0}");
Console.WriteLine($"R² on the training data (original scale): learned {diabetes.LearnedRSquared:0.00000}, normal equations {diabetes.ExactRSquared:0.00000}, difference {diabetes.LearnedRSquared - diabetes.ExactRSquared:0.0e+00}");

Console.WriteLine();
string plot = LossPlot.Save(Path.Combine(outDir, "loss.png"), runs);
Console.WriteLine($"loss curves: {plot}");
return 0;
