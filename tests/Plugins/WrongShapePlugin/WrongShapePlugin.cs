using MiniTorch;
using MiniTorch.Plugins;

namespace WrongShapePlugin;

/// <summary>An op whose backward sums the gradient over the first dimension by mistake: its gradient has the wrong shape.</summary>
[MiniTorchPlugin("wrong-shape", "1.0.0", "[0.1, 1.0)")]
public sealed class WrongShapePlugin : IMiniTorchPlugin
{
    public void Register(PluginRegistrar registrar) => registrar.AddOp(new OpDefinition
    {
        Name = "row_scale",
        Inputs = ["input"],
        Create = _ => new RowScale(),
        Samples = [new OpSample([3, 4])],
    });

    private sealed class RowScale : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * 3;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [(gradOutput * 3).Sum(0)];
    }
}
