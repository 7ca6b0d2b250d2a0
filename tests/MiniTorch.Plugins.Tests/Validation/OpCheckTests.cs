using MiniTorch.Plugins.Tests.Support;
using static MiniTorch.Plugins.Tests.Support.TestFunctions;

namespace MiniTorch.Plugins.Tests.Validation;

/// <summary>Each OpCheck test catches its own kind of mistake, and reports it without stopping the others.</summary>
public class OpCheckTests
{
    private static OpCheckOutcome[] Failures(OpCheckReport report) => [.. report.Failures];

    [Fact]
    public void ACorrectOpPassesEveryCheckOnEverySample()
    {
        var report = OpCheck.Run(Op("square", () => new Square(), new OpSample([3, 2]), new OpSample([4])));
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(
            [OpCheckTest.Forward, OpCheckTest.NoGrad, OpCheckTest.GradientShapes, OpCheckTest.GradCheck, OpCheckTest.GradGradCheck, OpCheckTest.Float32],
            report.Outcomes.Where(o => o.Sample == 1).Select(o => o.Test));
        Assert.Equal("op 'square': 12/12 checks passed", report.ToString());
        Assert.Equal("op 'square' sample 1 (inputs [4]): GradCheck passed", report.Outcomes.Single(o => o is { Sample: 1, Test: OpCheckTest.GradCheck }).ToString());
        report.ThrowIfFailed();
    }

    [Fact]
    public void ATwoInputOpAlsoChecksPartialGradients()
    {
        var report = OpCheck.Run(Op("product", () => new Product(), new OpSample([2, 3], [2, 3])));
        Assert.True(report.Passed, report.ToString());
        Assert.Contains(report.Outcomes, o => o.Test == OpCheckTest.PartialGradients);
    }

    [Fact]
    public void ABackwardThatAssumesEveryInputNeedsAGradientFailsPartialGradients()
    {
        var report = OpCheck.Run(Op("careless_product", () => new CarelessProduct(), new OpSample([2, 3], [2, 3])));
        var failure = Assert.Single(Failures(report));
        Assert.Equal(OpCheckTest.PartialGradients, failure.Test);
        Assert.StartsWith("with only input 0 'x0' requiring grad, backward threw", failure.Failure);
        Assert.EndsWith("Backward must handle inputs that need no gradient (FunctionContext.NeedsInputGrad).", failure.Failure);
    }

    [Fact]
    public void ABackwardThatReturnsNoGradientFailsGradientShapes()
    {
        var report = OpCheck.Run(Op("forgets_gradient", () => new ForgetsGradient(), new OpSample([2, 3])));
        var failure = report.Failures.Single(f => f.Test == OpCheckTest.GradientShapes);
        Assert.Equal("backward returned no gradient (null) for input 0 'x0' of shape [2, 3], which requires grad. Return a gradient for it, or mark the input as not differentiable in the sample (OpSample.Differentiable).", failure.Failure);
    }

    [Fact]
    public void ABackwardThatReturnsTheWrongDtypeFailsGradientShapes()
    {
        var report = OpCheck.Run(Op("float32_gradient", () => new Float32Gradient(), new OpSample([2, 3])));
        var failure = report.Failures.Single(f => f.Test == OpCheckTest.GradientShapes);
        Assert.Equal("backward returned a gradient the engine rejects: Function Float32GradientBackward returned an invalid gradient at index 0 - expected dtype Float64 but got Float32.", failure.Failure);
    }

    [Fact]
    public void AForwardThatModifiesItsInputFails()
    {
        var failure = Assert.Single(Failures(OpCheck.Run(Op("double_in_place", () => new DoubleInPlace(), new OpSample([3])), new OpCheckOptions { Tests = new HashSet<OpCheckTest>() })));
        Assert.Equal(OpCheckTest.Forward, failure.Test);
        Assert.Equal("forward modified input 0 'x0' in place; an op must leave its inputs unchanged (clone first, or return a new tensor).", failure.Failure);
    }

    [Fact]
    public void AForwardThatDependsOnGradModeFailsNoGrad()
    {
        var report = OpCheck.Run(Op("grad_mode_dependent", () => new GradModeDependent(), new OpSample([3])));
        var failure = Assert.Single(Failures(report));
        Assert.Equal(OpCheckTest.NoGrad, failure.Test);
        Assert.Equal("under Autograd.NoGrad() the output ([3]) differs from the output with grad enabled ([3]); forward must not depend on grad mode.", failure.Failure);
    }

    [Fact]
    public void AnOpThatChangesTheDtypeFailsForward()
    {
        var failure = Assert.Single(Failures(OpCheck.Run(Op("always_float32", () => new AlwaysFloat32(), new OpSample([3])))));
        Assert.Equal(OpCheckTest.Forward, failure.Test);
        Assert.Equal("forward returned a Float32 tensor for float64 inputs; an op must keep its inputs' dtype.", failure.Failure);
    }

    [Fact]
    public void AForwardThatThrowsIsReportedAndNothingElseRuns()
    {
        var report = OpCheck.Run(Op("throws", () => new Throws(), new OpSample([3]), new OpSample([2])));
        Assert.Equal([OpCheckTest.Forward, OpCheckTest.Forward], report.Outcomes.Select(o => o.Test));
        Assert.All(report.Outcomes, o => Assert.Equal("threw InvalidOperationException: kernel not available on this CPU", o.Failure));
        var e = Assert.Throws<OpCheckException>(report.ThrowIfFailed);
        Assert.Same(report, e.Report);
        Assert.Contains("op 'throws' sample 1 (inputs [2]): Forward FAILED: threw InvalidOperationException: kernel not available on this CPU", e.Message);
    }

    [Fact]
    public void ABackwardWithoutAGraphFailsOnlyGradGradCheck()
    {
        var report = OpCheck.Run(Op("once_sin", () => new OnceDifferentiableSin(), new OpSample([2, 2])));
        var failure = Assert.Single(Failures(report));
        Assert.Equal(OpCheckTest.GradGradCheck, failure.Test);
        Assert.Contains("Jacobian mismatch", failure.Failure);
    }

    [Fact]
    public void TheTestsToRunCanBeChosen()
    {
        var options = new OpCheckOptions { Tests = new HashSet<OpCheckTest> { OpCheckTest.GradCheck } };
        var report = OpCheck.Run(Op("once_sin", () => new OnceDifferentiableSin(), new OpSample([2, 2])), options);
        Assert.Equal([OpCheckTest.Forward, OpCheckTest.GradCheck], report.Outcomes.Select(o => o.Test));
        Assert.True(report.Passed);
    }

    [Fact]
    public void SamplesAreDrawnFromTheirValueRangeAndSeed()
    {
        // log is only defined for x > 0: drawn from N(0, 1) GradCheck sees NaN, drawn from (0.5, 2) it passes.
        static OpDefinition Log(OpSample sample) => Op("log", () => new LogFunction(), sample);
        Assert.False(OpCheck.Run(Log(new OpSample([6]))).Passed);
        Assert.True(OpCheck.Run(Log(new OpSample([6]) { ValueRange = (0.5, 2) })).Passed);
    }

    [Fact]
    public void AnInputMarkedNotDifferentiableIsNeitherPerturbedNorAskedForAGradient()
    {
        var sample = new OpSample([2, 3], [2, 3]) { Differentiable = [true, false] };
        var report = OpCheck.Run(Op("product", () => new Product(), sample));
        Assert.True(report.Passed, report.ToString());
        Assert.DoesNotContain(report.Outcomes, o => o.Test == OpCheckTest.PartialGradients);
    }

    [Fact]
    public void ValidatesTheOpsOfALoadedPlugin()
    {
        using var host = new PluginHost();
        host.Load(PluginFiles.Activations, new PluginLoadOptions { RequireValidation = false });
        var report = OpCheck.Run(host.Ops, "linear_gelu");
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(3 * 7, report.Outcomes.Count);
        Assert.Throws<KeyNotFoundException>(() => OpCheck.Run(host.Ops, "gelu"));
    }

    private sealed class LogFunction : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0].Log();
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput / ctx.SavedTensors[0]];
    }
}
