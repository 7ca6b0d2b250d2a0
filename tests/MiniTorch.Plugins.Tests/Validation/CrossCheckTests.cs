using MiniTorch.Plugins.Tests.Support;

namespace MiniTorch.Plugins.Tests.Validation;

/// <summary>
/// OpCheck's cross-check logic with a stand-in implementation (the ONNX Runtime one is tested in MiniTorch.Onnx.Tests):
/// what is compared, how errors are measured and reported, and what a stand-in that cannot check means.
/// </summary>
public class CrossCheckTests
{
    /// <summary>Returns the op's result scaled by a factor, or a fixed shape, and records what it was given.</summary>
    private sealed class StandIn(double factor = 1, int[]? shape = null, string? whyNot = null) : IOpCrossCheck
    {
        public List<(DType DType, IReadOnlyDictionary<string, double> Attributes)> Calls { get; } = [];

        public string Name => "stand-in";

        public string? WhyNotCheckable(OpDefinition op) => whyNot;

        public Tensor Evaluate(OpDefinition op, IReadOnlyDictionary<string, double> attributes, IReadOnlyList<Tensor> inputs)
        {
            Calls.Add((inputs[0].DType, attributes));
            Assert.All(inputs, t => Assert.False(t.RequiresGrad));
            return shape is null ? inputs[0] * inputs[0] * factor : Tensor.Zeros(shape, inputs[0].DType);
        }
    }

    private static OpCheckOptions Only(IOpCrossCheck cross) => new() { CrossCheck = cross, Tests = new HashSet<OpCheckTest> { OpCheckTest.CrossCheck } };

    private static OpDefinition Square => new()
    {
        Name = "square",
        Inputs = ["input"],
        Attributes = new Dictionary<string, double> { ["beta"] = 1 },
        Create = _ => new TestFunctions.Square(),
        Samples = [new OpSample([2, 3]), new OpSample([4]) { Attributes = new Dictionary<string, double> { ["beta"] = 2 } }],
    };

    [Fact]
    public void EachSampleIsComparedInFloat64ThenFloat32WithItsAttributes()
    {
        var cross = new StandIn();
        var report = OpCheck.Run(Square, Only(cross));
        Assert.True(report.Passed, report.ToString());
        Assert.Equal([DType.Float64, DType.Float32, DType.Float64, DType.Float32], cross.Calls.Select(c => c.DType));
        Assert.Equal([1.0, 1, 2, 2], cross.Calls.Select(c => c.Attributes["beta"]));
        var outcomes = report.Outcomes.Where(o => o.Test == OpCheckTest.CrossCheck).ToArray();
        Assert.All(outcomes, o => Assert.Equal(0, o.MaxAbsoluteError));
        Assert.Equal("op 'square' sample 1 (inputs [4] with beta=2): CrossCheck passed (float32 vs stand-in: max abs error 0, max rel error 0)", outcomes[3].ToString());
    }

    [Fact]
    public void ADifferenceBeyondTheToleranceFailsWithTheMeasuredErrorsAndTheWorstElement()
    {
        var report = OpCheck.Run(Square, Only(new StandIn(factor: 1.001)));
        Assert.Equal(4, report.Failures.Count);
        var failure = report.Failures[0];
        Assert.Equal(DType.Float64, failure.DType);
        Assert.Equal(1e-3, failure.MaxRelativeError!.Value, 1e-9);
        Assert.StartsWith("float64 vs stand-in: max abs error ", failure.Failure);
        Assert.Contains("max rel error 0.001, outside atol=1E-10, rtol=1E-08 at [", failure.Failure);
        Assert.Contains(": stand-in ", failure.Failure);
    }

    [Fact]
    public void AShapeMismatchIsAFailureNamingBothShapes()
    {
        var report = OpCheck.Run(Square, Only(new StandIn(shape: [7])));
        Assert.Equal("float64: stand-in returned shape [7], the op [2, 3].", report.Failures[0].Failure);
    }

    [Fact]
    public void AnOpTheCrossCheckCannotRunIsNotRunAndCountedApartUnlessStrict()
    {
        var lenient = OpCheck.Run(Square, Only(new StandIn(whyNot: "it has no twin.")));
        Assert.True(lenient.Passed);
        Assert.Equal("op 'square': 2/2 checks passed; not cross-checked with stand-in: it has no twin.", lenient.ToString());
        Assert.Equal("op 'square' sample 0 (inputs [2, 3]): CrossCheck not run (not cross-checked with stand-in: it has no twin.)", lenient.Outcomes[1].ToString());

        var strict = OpCheck.Run(Square, Only(new StandIn(whyNot: "it has no twin.")) with { StrictCrossCheck = true });
        Assert.Equal(2, strict.Failures.Count);
        Assert.Equal("not cross-checked with stand-in: it has no twin. Strict cross-checking (OpCheckOptions.StrictCrossCheck) needs every op to be checkable.", strict.Failures[0].Failure);
    }
}
