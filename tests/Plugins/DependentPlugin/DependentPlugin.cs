using MiniTorch;
using MiniTorch.Plugins;
using PluginMath;

namespace DependentPlugin;

/// <summary>A plugin with a dependency of its own (PluginMath.dll), which the host must find next to it.</summary>
[MiniTorchPlugin("dependent", "1.0.0", "[0.1, 1.0)")]
public sealed class DependentPlugin : IMiniTorchPlugin
{
    public void Register(PluginRegistrar registrar) => registrar.AddOp(new OpDefinition
    {
        Name = "poly",
        Description = "1 + 2x + 3x², elementwise",
        Inputs = ["input"],
        Create = _ => new PolyFunction(),
        Samples = [new OpSample([5])],
    });

    /// <summary>Forward through the library; backward with tensor ops (2 + 6x), so it is twice differentiable.</summary>
    private sealed class PolyFunction : Function
    {
        private static readonly Polynomial P = new(1, 2, 3);

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            var values = inputs[0].ToDoubleArray().Select(P.Evaluate).ToArray();
            return Tensor.FromArray(values, inputs[0].Shape).To(inputs[0].DType);
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * (ctx.SavedTensors[0] * 6 + 2)];
    }
}
