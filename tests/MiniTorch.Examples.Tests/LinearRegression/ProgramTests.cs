using System.Globalization;
using System.Text.RegularExpressions;
using LinearRegression;

namespace MiniTorch.Examples.Tests.LinearRegression;

/// <summary>
/// Tests that swap <see cref="Console.Out"/> run alone: console redirection is process-wide, so a test printing in
/// parallel would land in the captured text (or steal it).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LinearRegressionProgramCollection
{
    public const string Name = "LinearRegression program (redirects Console)";
}

/// <summary>The example's program, run to the end with its real settings, its printed results and its plot checked.</summary>
[Collection(LinearRegressionProgramCollection.Name)]
public partial class ProgramTests
{
    [Fact]
    public void ProgramRunsToTheEndPrintsItsResultsAndWritesLossPng()
    {
        string dir = Path.Combine(Path.GetTempPath(), "minitorch-linreg-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exitCode, text, _) = Run("--out", dir);
            Assert.Equal(0, exitCode);

            Assert.Equal(0.0, Number(text, @"max \|autograd − by hand\| = (\S+)"), 1e-3);
            Assert.Contains("Least-squares solution (normal equations by Cholesky, float64)", text);
            foreach (var optimizer in new[] { "Sgd", "Adam" })
            {
                Assert.Matches($@"  epoch +1/60  loss ", text);
                double distance = Number(text, optimizer + @": final MSE .* distance of \(w, b\) to the least-squares solution = (\S+)");
                Assert.True(distance < 0.01, $"{optimizer}: {distance}");
            }
            Assert.Contains("loaded 442×10 features and 442 targets", text);
            Assert.Contains("  epoch  400/400  loss ", text);
            Assert.True(Number(text, @"max \|coefficient difference\| = (\S+)") < 0.4);
            double learned = Number(text, @"R² on the training data \(original scale\): learned (\S+),");
            double exact = Number(text, @"normal equations (\S+), difference");
            Assert.InRange(exact, 0.50, 0.53);
            Assert.Equal(exact, learned, 0.01);

            string plot = Regex.Match(text, @"loss curves: (.+)").Groups[1].Value.Trim();
            Assert.Equal(Path.GetFullPath(Path.Combine(dir, "loss.png")), plot);
            var bytes = File.ReadAllBytes(plot);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            Assert.True(bytes.Length > 10_000, $"the PNG has only {bytes.Length} bytes");
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void AnUnknownArgumentIsReportedWithTheUsage()
    {
        var (exitCode, text, errors) = Run("--epochs", "3");
        Assert.Equal(2, exitCode);
        Assert.Equal("", text);
        Assert.Contains("unknown argument '--epochs'", errors);
        Assert.Contains("--out DIR", errors);
    }

    private static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        var (originalOut, originalError) = (Console.Out, Console.Error);
        var (output, errors) = (new StringWriter(), new StringWriter());
        var culture = CultureInfo.CurrentCulture;
        try
        {
            Console.SetOut(output);
            Console.SetError(errors);
            var entry = typeof(LinearTrainer).Assembly.EntryPoint!;
            int exitCode = (int)entry.Invoke(null, [args])!;
            return (exitCode, output.ToString(), errors.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
            CultureInfo.CurrentCulture = culture; // the program sets the invariant culture for its output
        }
    }

    private static double Number(string text, string pattern)
    {
        var match = Regex.Match(text, pattern);
        Assert.True(match.Success, $"no line matches /{pattern}/ in:\n{text}");
        return double.Parse(match.Groups[1].Value.TrimEnd(',', ')'), NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
