using MiniTorch;
using MiniTorch.Plugins;

namespace InvalidDefinitionPlugin;

/// <summary>A plugin that registers an op without samples: the registrar refuses it, so the load fails in Register.</summary>
[MiniTorchPlugin("invalid-definition", "1.0.0", "[0.1, 1.0)")]
public sealed class InvalidDefinitionPlugin : IMiniTorchPlugin
{
    public void Register(PluginRegistrar registrar) => registrar.AddOp(new OpDefinition
    {
        Name = "negate",
        Inputs = ["input"],
        Create = _ => new Negate(),
        Samples = [],
    });

    private sealed class Negate : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => -inputs[0];

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [-gradOutput];
    }
}
