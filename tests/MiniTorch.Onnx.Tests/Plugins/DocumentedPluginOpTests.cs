namespace MiniTorch.Onnx.Tests.Plugins;

/// <summary>
/// The worked example of docs/plugins.md section 8 ("Adding an op, end to end"), verbatim: the scaled_tanh op's
/// kernel, definition, samples and ONNX lowering pass every OpCheck check, the ONNX Runtime cross-check included
/// (strict), so the documentation shows code that works.
/// </summary>
public class DocumentedPluginOpTests
{
    internal sealed class ScaledTanhFunction(double a, double b) : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return (inputs[0] * b).Tanh() * a;                 // tensor ops record nothing inside Forward
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var t = (ctx.SavedTensors[0] * b).Tanh();          // recomputed with tensor ops: differentiable again
            return [gradOutput * (a * b) * (1 - t * t)];
        }
    }

    internal static OpDefinition ScaledTanh() => new()
    {
        Name = "scaled_tanh",
        Description = "a·tanh(b·x) (LeCun 1998)",
        Inputs = ["input"],
        Attributes = new Dictionary<string, double> { ["a"] = 1.7159, ["b"] = 2.0 / 3 },
        Create = attributes => new ScaledTanhFunction(attributes["a"], attributes["b"]),
        Samples =
        [
            new OpSample([3, 4]),                                                      // standard normal values
            new OpSample([2, 1, 5]) { ValueRange = (-4.0, 4.0) },                      // the saturated tails
            new OpSample([6]) { Attributes = new Dictionary<string, double> { ["a"] = 1, ["b"] = 3 } },
        ],
        // a·tanh(b·x) in standard ONNX operators, inlined in place of each call.
        OnnxLowering = OnnxOpLowering.Compose(g =>
            g.Op("Mul", g.Op("Tanh", g.Op("Mul", g.Input(0), g.Attribute("b"))), g.Attribute("a"))),
    };

    [Fact]
    public void TheWorkedExamplePassesEveryCheckIncludingTheStrictOnnxRuntimeCrossCheck()
    {
        var options = new OpCheckOptions { CrossCheck = new OnnxRuntimeCrossCheck(), StrictCrossCheck = true };
        var report = OpCheck.Run(ScaledTanh(), options);
        report.ThrowIfFailed();
        // 3 samples × (Forward, NoGrad, GradientShapes, GradCheck, GradGradCheck, Float32, and the cross-check in two dtypes).
        Assert.Equal(3 * 8, report.Outcomes.Count);
        Assert.All(report.Outcomes, o => Assert.False(o.NotRun));
    }

    [Fact]
    public void AWrongLoweringOfTheWorkedExampleIsCaught()
    {
        var wrong = new OpDefinition
        {
            Name = "scaled_tanh",
            Inputs = ["input"],
            Attributes = ScaledTanh().Attributes,
            Create = ScaledTanh().Create,
            Samples = ScaledTanh().Samples,
            OnnxLowering = OnnxOpLowering.Compose(g => g.Op("Mul", g.Op("Tanh", g.Input(0)), g.Attribute("a"))), // forgets b
        };
        var report = OpCheck.Run(wrong, new OpCheckOptions { CrossCheck = new OnnxRuntimeCrossCheck() });
        Assert.False(report.Passed);
        Assert.Contains(report.Outcomes, o => o.Test == OpCheckTest.CrossCheck && o.Failure is not null);
    }
}
