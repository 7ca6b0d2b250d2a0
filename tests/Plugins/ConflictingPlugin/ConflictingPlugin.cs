using MiniTorch;
using MiniTorch.Plugins;

namespace ConflictingPlugin;

/// <summary>A correct plugin whose second op is named like the sample plugin's "swish": it cannot load next to it.</summary>
[MiniTorchPlugin("conflicting", "1.0.0", "[0.1, 1.0)")]
public sealed class ConflictingPlugin : IMiniTorchPlugin
{
    public void Register(PluginRegistrar registrar)
    {
        registrar.AddOp(new OpDefinition { Name = "double_it", Inputs = ["input"], Create = _ => new Scale(2), Samples = [new OpSample([2, 3])] });
        registrar.AddOp(new OpDefinition { Name = "swish", Inputs = ["input"], Create = _ => new Scale(0.5), Samples = [new OpSample([2, 3])] });
    }

    private sealed class Scale(double factor) : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * factor;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * factor];
    }
}
