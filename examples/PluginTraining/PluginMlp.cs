using MiniTorch;
using MiniTorch.NN;
using MiniTorch.Plugins;

namespace PluginTraining;

/// <summary>
/// A digits classifier built on a plugin: 64 pixels → the plugin's fused <c>linear_gelu</c> op (on the parameters of
/// a registered <see cref="Linear"/>) → Linear → the plugin's <c>Mish</c> module → Linear → 10 logits. Nothing of the
/// plugin is known when this is compiled: the op is called by name and the module made by name.
/// </summary>
public sealed class PluginMlp : Module
{
    private readonly OpRegistry _ops;
    private readonly Linear _hidden;
    private readonly Linear _middle;
    private readonly Module _activation;
    private readonly Linear _output;

    /// <summary>Creates the model from the ops and module types of <paramref name="host"/>.</summary>
    public PluginMlp(PluginHost host, int hidden, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(host);
        _ops = host.Ops;
        _hidden = RegisterModule("hidden", new Linear(64, hidden, generator: generator));
        _middle = RegisterModule("middle", new Linear(hidden, hidden / 2, generator: generator));
        _activation = RegisterModule("activation", host.Modules.Create("Mish"));
        _output = RegisterModule("output", new Linear(hidden / 2, 10, generator: generator));
    }

    /// <inheritdoc />
    protected override Tensor Forward(Tensor input)
    {
        var h = _ops.Invoke("linear_gelu", input, _hidden.Weight, _hidden.Bias!);
        return _output.Call(_activation.Call(_middle.Call(h)));
    }
}
