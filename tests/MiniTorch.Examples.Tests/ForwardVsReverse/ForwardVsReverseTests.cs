using System.Globalization;
using System.Text.RegularExpressions;
using ForwardVsReverse;

namespace MiniTorch.Examples.Tests.ForwardVsReverse;

/// <summary>
/// The program swaps <see cref="Console.Out"/>, so these tests
/// run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ForwardVsReverseCollection
{
    public const string Name = "ForwardVsReverse (redirects Console)";
}

[Collection(ForwardVsReverseCollection.Name)]
public class ForwardVsReverseTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void BothModesGiveTheSameJacobianForBothShapesOfFunction(int size)
    {
        Assert.True(JacobianTiming.ForLoss(size, repeats: 1).MaxDifference < 1e-12);
        Assert.True(JacobianTiming.ForCurve(size, repeats: 1).MaxDifference < 1e-12);
    }

    [Fact]
    public void AllocationsPerPassCountEveryLayersValuesAndForwardModeAlsoItsTangents()
    {
        // n = 1024 float64: one value is 8 KiB. Each of the 16 layers makes 4 values of n elements (scale, add the
        // mean, add 0.1, tanh): 512 KiB in a reverse pass; a forward pass makes the same values and a tangent for each.
        const long Value = 1024 * 8;
        var cost = JacobianTiming.ForLoss(1024, repeats: 1);
        Assert.InRange(cost.ReverseAllocatedBytes, 16 * 4 * Value, 16 * 4 * Value + 16 * Value);
        // Tangent rules need temporaries (tanh's (1 - y²)·ẏ): at most one more value per value.
        Assert.InRange(cost.ForwardAllocatedBytes, 2 * 16 * 4 * Value, 3 * 16 * 4 * Value);
    }

    [Fact]
    public void NewtonWithTheHessianConvergesQuadraticallyToTheGradientDescentMinimum()
    {
        var f = Newton.LogisticLoss();
        var newton = Newton.Minimise(f, dims: 5, tolerance: 1e-10, maxSteps: 20);
        var descent = Newton.GradientDescent(f, dims: 5, learningRate: 1.0, tolerance: 1e-10, maxSteps: 5000);
        Assert.True(newton[^1].GradientNorm <= 1e-10);
        Assert.True(newton.Count - 1 <= 8, $"Newton took {newton.Count - 1} steps");
        Assert.True(descent[^1].GradientNorm <= 1e-10, "gradient descent did not converge");
        Assert.True(descent.Count > 5 * newton.Count);
        Assert.Equal(descent[^1].Loss, newton[^1].Loss, 12);
        // Quadratic convergence: after the first step, each step squares the gradient norm (up to a factor 10), until
        // float64 round-off (~1e-14 here) is reached.
        for (int i = 1; i < newton.Count - 1; i++)
        {
            Assert.True(newton[i + 1].GradientNorm <= Math.Max(10 * newton[i].GradientNorm * newton[i].GradientNorm, 1e-14),
                $"step {i + 1}: {newton[i + 1].GradientNorm:E2} after {newton[i].GradientNorm:E2}");
        }
    }

    [Fact]
    public void SolveMatchesAKnownSystemAndRefusesANonConvexHessian()
    {
        var h = Tensor.FromArray(new double[,] { { 4, 2 }, { 2, 3 } });
        var d = Newton.Solve(h, Tensor.FromArray(new[] { 2.0, 5.0 }));
        Assert.Equal(new[] { -0.5, 2.0 }, d.ToDoubleArray().Select(v => Math.Round(v, 12)));
        var e = Assert.Throws<InvalidOperationException>(() => Newton.Solve(Tensor.FromArray(new double[,] { { 1, 2 }, { 2, 1 } }), Tensor.Ones([2], DType.Float64)));
        Assert.Contains("Newton's method needs a convex problem", e.Message);
    }

    [Fact]
    public void ProgramPrintsBothTablesNewtonAndWritesThePlot()
    {
        using var dir = new TempDirectory("minitorch-fwdrev");
        var (originalOut, culture) = (Console.Out, CultureInfo.CurrentCulture);
        var output = new StringWriter();
        int exitCode;
        try
        {
            Console.SetOut(output);
            var entry = typeof(Newton).Assembly.EntryPoint!;
            var result = entry.Invoke(null, [new[] { "--out", dir.Path, "--max", "64" }]);
            exitCode = result is int code ? code : 0;
        }
        finally
        {
            Console.SetOut(originalOut);
            CultureInfo.CurrentCulture = culture;
        }
        string text = output.ToString();
        Assert.Equal(0, exitCode);
        Assert.Contains("== f: Rⁿ → R (a loss), full Jacobian (1 × n) ==", text);
        Assert.Contains("== g: R → Rᵐ (a curve), full Jacobian (m × 1) ==", text);
        // Sizes 1, 4, 16, 64 for each table, each with its agreement between modes.
        var rows = Regex.Matches(text, @"^\s+(\d+)\s+[\d.]+\s+[\d.]+\s+(reverse|forward)\s+[\d.]+\s+[\d.]+\s+(\S+)$", RegexOptions.Multiline);
        Assert.Equal(8, rows.Count);
        foreach (Match row in rows)
        {
            Assert.True(double.Parse(row.Groups[3].Value, CultureInfo.InvariantCulture) < 1e-12, row.Value);
        }
        Assert.Matches(@"Gradient descent \(step 1.0\) needs \d+ steps to reach \|grad\| ≤ 1e-10 .*; Newton needs \d+\.", text);
        OutputFiles.AssertPng(Path.Combine(dir.Path, "jacobian-time.png"));
        OutputFiles.AssertPng(Path.Combine(dir.Path, "jacobian-memory.png"));
    }
}
