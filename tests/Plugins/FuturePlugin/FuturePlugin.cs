using MiniTorch;
using MiniTorch.Plugins;

namespace FuturePlugin;

/// <summary>A plugin that declares it needs MiniTorch 99 or later: the host must refuse it before running any of its code.</summary>
[MiniTorchPlugin("future", "2.0.0", "[99.0, )")]
public sealed class FuturePlugin : IMiniTorchPlugin
{
    public FuturePlugin() => throw new InvalidOperationException("FuturePlugin's constructor ran, but the version check should have refused it first.");

    public void Register(PluginRegistrar registrar) => registrar.AddOp(new OpDefinition
    {
        Name = "future_op",
        Inputs = ["input"],
        Create = _ => new Identity(),
        Samples = [new OpSample([2])],
    });

    private sealed class Identity : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0].Clone();

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput];
    }
}
