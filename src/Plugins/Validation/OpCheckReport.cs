using System.Text;

namespace MiniTorch.Plugins;

/// <summary>The checks <see cref="OpCheck"/> and <see cref="PluginValidator"/> run, after <c>torch.library.opcheck</c>'s tests.</summary>
public enum OpCheckTest
{
    /// <summary>Forward runs on float64 inputs, returns float64 and leaves its inputs unchanged.</summary>
    Forward,

    /// <summary>Under <see cref="Autograd.NoGrad"/> the output records no graph and has the same values.</summary>
    NoGrad,

    /// <summary>Backward returns one gradient per differentiable input, each with its input's shape and dtype.</summary>
    GradientShapes,

    /// <summary>With only one input requiring grad, backward still runs and gives the same gradient for it.</summary>
    PartialGradients,

    /// <summary>First derivatives agree with float64 central differences (<see cref="MiniTorch.GradCheck"/>.Check).</summary>
    GradCheck,

    /// <summary>Second derivatives agree with central differences of the first (<see cref="MiniTorch.GradCheck"/>.GradGradCheck).</summary>
    GradGradCheck,

    /// <summary>Float32 inputs give a float32 output and gradients close to the float64 ones.</summary>
    Float32,

    /// <summary>A plugin module is created from its sample's attributes and runs in float64.</summary>
    ModuleForward,

    /// <summary>A plugin module's gradients with respect to its input and parameters agree with central differences.</summary>
    ModuleGradCheck,

    /// <summary>
    /// The forward result agrees, in float64 and float32, with an independent implementation (<see cref="OpCheckOptions.CrossCheck"/>,
    /// e.g. the op's ONNX lowering run in ONNX Runtime).
    /// </summary>
    CrossCheck,
}

/// <summary>The result of one check on one sample.</summary>
/// <param name="Target">What was checked: <c>op 'swish'</c> or <c>module 'Mish'</c>.</param>
/// <param name="Test">Which check.</param>
/// <param name="Sample">The index of the sample in the definition.</param>
/// <param name="SampleDescription">The sample's shapes and attributes.</param>
/// <param name="Failure">Why it failed; null when it passed.</param>
public sealed record OpCheckOutcome(string Target, OpCheckTest Test, int Sample, string SampleDescription, string? Failure)
{
    /// <summary>Whether the check passed (a check that was not run, <see cref="NotRun"/>, passes).</summary>
    public bool Passed => Failure is null;

    /// <summary>Whether the check could not run and was not asked to (an op without an ONNX lowering is not cross-checked).</summary>
    public bool NotRun { get; init; }

    /// <summary>What the check measured or why it did not run, e.g. <c>float32 vs ONNX Runtime: max abs error 6e-08, max rel error 1.2e-07</c>.</summary>
    public string? Detail { get; init; }

    /// <summary>The element type a cross-check ran in; null for the other checks.</summary>
    public DType? DType { get; init; }

    /// <summary>The largest |reference − op| of a cross-check; null for the other checks.</summary>
    public double? MaxAbsoluteError { get; init; }

    /// <summary>The largest |reference − op| / |op| over elements where the op's value is not 0; null for the other checks.</summary>
    public double? MaxRelativeError { get; init; }

    /// <summary>One line: <c>op 'swish' sample 0 (inputs [4, 5]): GradCheck passed</c>, or the failure.</summary>
    public override string ToString() =>
        $"{Target} sample {Sample} ({SampleDescription}): {Test} {(NotRun ? "not run" : Passed ? "passed" : "FAILED: " + Failure)}{(Passed && Detail is not null ? $" ({Detail})" : "")}";
}

/// <summary>Every outcome of a validation run; <see cref="ThrowIfFailed"/> turns failures into an exception.</summary>
public sealed class OpCheckReport
{
    /// <summary>Creates a report from outcomes.</summary>
    public OpCheckReport(IEnumerable<OpCheckOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        Outcomes = outcomes.ToArray();
    }

    /// <summary>Every check that ran, in order.</summary>
    public IReadOnlyList<OpCheckOutcome> Outcomes { get; }

    /// <summary>The checks that failed.</summary>
    public IReadOnlyList<OpCheckOutcome> Failures => Outcomes.Where(o => !o.Passed).ToArray();

    /// <summary>Whether every check passed.</summary>
    public bool Passed => Outcomes.All(o => o.Passed);

    /// <summary>Throws <see cref="OpCheckException"/> listing the failures, if there are any.</summary>
    public void ThrowIfFailed()
    {
        if (!Passed)
        {
            throw new OpCheckException(this);
        }
    }

    /// <summary>A count of passed checks per target, then one line per failure.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var group in Outcomes.GroupBy(o => o.Target))
        {
            int passed = group.Count(o => o.Passed && !o.NotRun);
            int notRun = group.Count(o => o.NotRun);
            text.Append($"{group.Key}: {passed}/{group.Count() - notRun} checks passed");
            if (group.FirstOrDefault(o => o.NotRun) is { } skipped)
            {
                text.Append($"; {skipped.Detail}");
            }
            text.AppendLine();
        }
        foreach (var failure in Failures)
        {
            text.Append("  ").Append(failure).AppendLine();
        }
        return text.ToString().TrimEnd();
    }
}

/// <summary>Thrown by <see cref="OpCheckReport.ThrowIfFailed"/>; the message lists every failed check.</summary>
public class OpCheckException : Exception
{
    /// <summary>Creates the exception from a report with failures.</summary>
    public OpCheckException(OpCheckReport report)
        : base("Validation failed:" + Environment.NewLine + string.Join(Environment.NewLine, (report ?? throw new ArgumentNullException(nameof(report))).Failures.Select(f => "  " + f)))
    {
        Report = report;
    }

    /// <summary>The full report.</summary>
    public OpCheckReport Report { get; }
}
