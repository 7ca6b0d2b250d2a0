using MiniTorch;
using MiniTorch.Plugins;

namespace WrongGradientPlugin;

/// <summary>
/// An op computing x³ whose backward returns 2x² instead of 3x²: shapes and dtypes are right, only the values are
/// wrong, which only GradCheck catches. (Its derivative is still consistently differentiable, so GradGradCheck passes.)
/// </summary>
[MiniTorchPlugin("wrong-gradient", "1.0.0", "[0.1, 1.0)")]
public sealed class WrongGradientPlugin : IMiniTorchPlugin
{
    public void Register(PluginRegistrar registrar) => registrar.AddOp(new OpDefinition
    {
        Name = "cube",
        Inputs = ["input"],
        Create = _ => new Cube(),
        Samples = [new OpSample([2, 3])],
    });

    private sealed class Cube : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0] * inputs[0] * inputs[0];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var x = ctx.SavedTensors[0];
            return [gradOutput * 2 * x * x];
        }
    }
}
