using MiniTorch.NN;
using MiniTorch.Plugins.Tests.Support;

namespace MiniTorch.Plugins.Tests.Validation;

/// <summary>Validating a whole plugin in-process, as a plugin author's own tests do, including its module types.</summary>
public class PluginValidatorTests
{
    [Fact]
    public void ValidatesAPluginInstanceWithoutLoadingIt()
    {
        var report = PluginValidator.Validate(new GoodPlugin());
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(["op 'square'", "module 'Scale'"], report.Outcomes.Select(o => o.Target).Distinct());
        Assert.Equal([OpCheckTest.ModuleForward, OpCheckTest.ModuleGradCheck], report.Outcomes.Where(o => o.Target == "module 'Scale'").Select(o => o.Test));
    }

    [Fact]
    public void AModuleWithAWrongGradientFailsModuleGradCheck()
    {
        var report = PluginValidator.Validate(new BrokenModulePlugin());
        var failure = Assert.Single(report.Failures);
        Assert.Equal("module 'LeakyCube'", failure.Target);
        Assert.Equal(OpCheckTest.ModuleGradCheck, failure.Test);
        Assert.Contains("Jacobian mismatch for output 0 with respect to input 0", failure.Failure);
    }

    [Fact]
    public void AModuleThatCannotBeCreatedFailsModuleForward()
    {
        var report = PluginValidator.Validate(new UncreatableModulePlugin());
        var failure = Assert.Single(report.Outcomes);
        Assert.Equal(OpCheckTest.ModuleForward, failure.Test);
        Assert.Equal("threw NotSupportedException: no such layer size", failure.Failure);
    }

    [MiniTorchPlugin("good", "1.0.0", "[0.1, 1.0)")]
    private sealed class GoodPlugin : IMiniTorchPlugin
    {
        public void Register(PluginRegistrar registrar)
        {
            registrar.AddOp(TestFunctions.Op("square", () => new TestFunctions.Square(), new OpSample([2])));
            registrar.AddModule(new ModuleDefinition
            {
                Name = "Scale",
                RequiredAttributes = ["size"],
                Create = a => new Scale((int)a["size"]),
                Samples = [new ModuleSample([2, 3]) { Attributes = new Dictionary<string, double> { ["size"] = 3 } }],
            });
        }
    }

    private sealed class BrokenModulePlugin : IMiniTorchPlugin
    {
        public void Register(PluginRegistrar registrar) =>
            registrar.AddModule(new ModuleDefinition { Name = "LeakyCube", Create = _ => new LeakyCube(), Samples = [new ModuleSample([3])] });
    }

    private sealed class UncreatableModulePlugin : IMiniTorchPlugin
    {
        public void Register(PluginRegistrar registrar) =>
            registrar.AddModule(new ModuleDefinition { Name = "Broken", Create = _ => throw new NotSupportedException("no such layer size"), Samples = [new ModuleSample([3])] });
    }

    /// <summary>x·w with a learnable w per feature.</summary>
    private sealed class Scale : Module
    {
        public Scale(int size) => RegisterParameter("weight", new Parameter(Tensor.Arange((double)size) + 1));

        protected override Tensor Forward(Tensor input) => input * RequiredParameter("weight");
    }

    /// <summary>x³ through a custom function whose backward is 2x² (wrong).</summary>
    private sealed class LeakyCube : Module
    {
        protected override Tensor Forward(Tensor input) => new WrongCube().Apply(input);

        private sealed class WrongCube : Function
        {
            protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
            {
                ctx.SaveForBackward(inputs[0]);
                return inputs[0] * inputs[0] * inputs[0];
            }

            protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * 2 * ctx.SavedTensors[0] * ctx.SavedTensors[0]];
        }
    }
}
