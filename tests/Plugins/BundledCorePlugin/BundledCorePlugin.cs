using MiniTorch;
using MiniTorch.Plugins;

namespace BundledCorePlugin;

/// <summary>A correct plugin, built so that it ships its own copy of MiniTorch.</summary>
[MiniTorchPlugin("bundled-core", "1.0.0", "[0.1, 1.0)")]
public sealed class BundledCorePlugin : IMiniTorchPlugin
{
    public void Register(PluginRegistrar registrar) => registrar.AddOp(new OpDefinition
    {
        Name = "triple",
        Inputs = ["input"],
        Create = _ => new Triple(),
        Samples = [new OpSample([2, 3])],
    });

    private sealed class Triple : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * 3;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * 3];
    }
}
