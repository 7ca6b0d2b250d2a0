namespace MiniTorch.Onnx.Tests.Plugins;

/// <summary>
/// OpCheck and PluginValidator with the ONNX Runtime cross-check: every sample of every op of the sample plugin in
/// float64 and float32, a wrong lowering caught with the op, sample and error named, ops without a lowering, strict
/// mode and the tolerances.
/// </summary>
[Collection(PluginFixture.Collection)]
public class PluginCrossCheckTests
{
    private static readonly OpCheckOptions CrossCheckOnly = new() { CrossCheck = new OnnxRuntimeCrossCheck(), Tests = new HashSet<OpCheckTest> { OpCheckTest.CrossCheck } };

    /// <summary>swish(x) = x·σ(βx) computed with tensor ops; the lowering under test is given per test.</summary>
    private sealed class SwishFunction(double beta) : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0] * (inputs[0] * beta).Sigmoid();
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var x = ctx.SavedTensors[0];
            var s = (x * beta).Sigmoid();
            return [gradOutput * (s + x * beta * s * (1 - s))];
        }
    }

    private static OpDefinition Swish(OnnxOpLowering? lowering) => new()
    {
        Name = "test_swish",
        Inputs = ["input"],
        Attributes = new Dictionary<string, double> { ["beta"] = 1 },
        Create = a => new SwishFunction(a["beta"]),
        Samples = [new OpSample([3, 4]), new OpSample([5]) { Attributes = new Dictionary<string, double> { ["beta"] = 2 } }],
        OnnxLowering = lowering,
    };

    private static OnnxOpLowering RightSwish(double factor = 1) => OnnxOpLowering.Compose(g =>
        g.Op("Mul", g.Op("Mul", g.Input(0), g.Op("Sigmoid", g.Op("Mul", g.Input(0), g.Attribute("beta")))), g.Constant(factor)));

    [Fact]
    public void EverySampleOfEveryOpOfTheSamplePluginAgreesWithOnnxRuntimeInBothPrecisions()
    {
        using var host = PluginFixture.Activations();
        var report = PluginValidator.Validate(host, "activations", CrossCheckOnly);

        Assert.True(report.Passed, report.ToString());
        var crossChecks = report.Outcomes.Where(o => o.Test == OpCheckTest.CrossCheck).ToArray();
        // swish 2 samples, silu 1, mish 2, softplus 2, linear_gelu 3; each in float64 and float32.
        Assert.Equal(2 * 10, crossChecks.Length);
        foreach (var op in new[] { "swish", "silu", "mish", "softplus", "linear_gelu" })
        {
            var samples = host.Ops.Get(op);
            var ofOp = crossChecks.Where(o => o.Target == $"op '{op}'").ToArray();
            Assert.NotEmpty(ofOp);
            Assert.All(ofOp, o =>
            {
                Assert.False(o.NotRun);
                Assert.True(o.MaxAbsoluteError < (o.DType == DType.Float64 ? 1e-12 : 1e-5), o.ToString());
                Assert.True(o.MaxRelativeError < (o.DType == DType.Float64 ? 1e-10 : 1e-4), o.ToString());
                Assert.Contains($"{(o.DType == DType.Float64 ? "float64" : "float32")} vs ONNX Runtime: max abs error", o.ToString());
            });
            Assert.Equal(ofOp.Count(o => o.DType == DType.Float64), ofOp.Count(o => o.DType == DType.Float32));
            Assert.NotNull(samples);
        }
        // The attribute variants are among them: softplus at beta=2, threshold=1 (both sides of the threshold).
        Assert.Contains(crossChecks, o => o.Target == "op 'softplus'" && o.SampleDescription == "inputs [4, 4] with beta=2, threshold=1" && o.DType == DType.Float64);
    }

    [Fact]
    public void ALoweringThatIgnoresAnAttributeIsCaughtOnTheSampleThatSetsItWithTheErrorNamed()
    {
        var wrong = Swish(OnnxOpLowering.Compose(g => g.Op("Mul", g.Input(0), g.Op("Sigmoid", g.Input(0))))); // β left out
        var report = OpCheck.Run(wrong, CrossCheckOnly);

        Assert.False(report.Passed);
        var cross = report.Outcomes.Where(o => o.Test == OpCheckTest.CrossCheck).ToArray();
        Assert.Equal(4, cross.Length);
        Assert.All(cross.Where(o => o.Sample == 0), o => Assert.True(o.Passed, o.ToString())); // β = 1: the wrong lowering happens to be right
        var failures = cross.Where(o => o.Sample == 1).ToArray();
        Assert.Equal(2, failures.Length);
        Assert.All(failures, o =>
        {
            Assert.False(o.Passed);
            Assert.True(o.MaxAbsoluteError > 0.01, o.ToString());
            Assert.StartsWith("op 'test_swish' sample 1 (inputs [5] with beta=2): CrossCheck FAILED: ", o.ToString());
            Assert.Contains("vs ONNX Runtime: max abs error", o.Failure);
            Assert.Contains("The op's forward and its ONNX lowering disagree", o.Failure);
        });
        var thrown = Assert.Throws<OpCheckException>(report.ThrowIfFailed);
        Assert.Contains("op 'test_swish' sample 1 (inputs [5] with beta=2): CrossCheck FAILED: float64 vs ONNX Runtime", thrown.Message);
        Assert.Contains("float32 vs ONNX Runtime", thrown.Message);
    }

    [Fact]
    public void ARightLoweringPassesAndReportsItsErrors()
    {
        var report = OpCheck.Run(Swish(RightSwish()), CrossCheckOnly);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(4, report.Outcomes.Count(o => o.Test == OpCheckTest.CrossCheck && o.MaxAbsoluteError is not null));
    }

    [Fact]
    public void AnOpWithoutALoweringIsNotCrossCheckedUnlessStrict()
    {
        var report = OpCheck.Run(Swish(null), CrossCheckOnly);
        Assert.True(report.Passed, report.ToString());
        var notRun = report.Outcomes.Where(o => o.Test == OpCheckTest.CrossCheck).ToArray();
        Assert.Equal(2, notRun.Length); // one per sample
        Assert.All(notRun, o => Assert.True(o.NotRun));
        Assert.Contains("op 'test_swish': 2/2 checks passed; not cross-checked with ONNX Runtime: op 'test_swish' declares no ONNX lowering", report.ToString());

        var strict = OpCheck.Run(Swish(null), CrossCheckOnly with { StrictCrossCheck = true });
        Assert.False(strict.Passed);
        Assert.All(strict.Failures, f => Assert.Contains("declares no ONNX lowering (set OpDefinition.OnnxLowering", f.Failure));
        Assert.Equal(2, strict.Failures.Count);
    }

    [Fact]
    public void TheTolerancesOfBothPrecisionsAreSettings()
    {
        // Off by a relative 1e-6: float32 rounding at the default tolerance, a bug at float64's.
        var slightlyOff = Swish(RightSwish(1 + 1e-6));
        var byDefault = OpCheck.Run(slightlyOff, CrossCheckOnly);
        Assert.All(byDefault.Outcomes.Where(o => o.DType == DType.Float32), o => Assert.True(o.Passed, o.ToString()));
        Assert.All(byDefault.Outcomes.Where(o => o.DType == DType.Float64), o => Assert.False(o.Passed, o.ToString()));
        Assert.All(byDefault.Failures, f => Assert.Contains("OpCheckOptions.CrossCheckFloat64Tolerance", f.Failure));

        var loose = OpCheck.Run(slightlyOff, CrossCheckOnly with { CrossCheckFloat64Tolerance = new CrossCheckTolerance(0, 1e-5) });
        Assert.True(loose.Passed, loose.ToString());

        var tight = OpCheck.Run(slightlyOff, CrossCheckOnly with { CrossCheckFloat32Tolerance = new CrossCheckTolerance(0, 1e-8), CrossCheckFloat64Tolerance = new CrossCheckTolerance(0, 1e-5) });
        Assert.All(tight.Outcomes.Where(o => o.DType == DType.Float32), o => Assert.False(o.Passed, o.ToString()));
    }

    [Fact]
    public void ALoweringOnnxRuntimeCannotRunIsAFailureWithItsMessage()
    {
        var report = OpCheck.Run(Swish(OnnxOpLowering.Compose(g => g.Op("NoSuchOperator", g.Input(0)))), CrossCheckOnly);
        Assert.Equal(4, report.Failures.Count);
        Assert.All(report.Failures, f => Assert.Contains("ONNX Runtime could not run the op", f.Failure));
        Assert.Contains("NoSuchOperator", report.Failures[0].Failure);
    }

    [Fact]
    public void WithoutACrossCheckNothingIsComparedAndValidationIsAsBefore()
    {
        var report = OpCheck.Run(Swish(OnnxOpLowering.Compose(g => g.Op("NoSuchOperator", g.Input(0)))));
        Assert.True(report.Passed, report.ToString());
        Assert.DoesNotContain(report.Outcomes, o => o.Test == OpCheckTest.CrossCheck);
    }
}
