using MiniTorch.Plugins;

namespace MiniTorch.Examples.Activations;

/// <summary>
/// The sample plugin: Swish/SiLU, Mish and Softplus activations, and a fused Linear+GELU op with a hand-written
/// backward, each as an op (<c>host.Ops.Invoke("mish", x)</c>) and as a module type (<c>host.Modules.Create("Mish")</c>).
/// Every op declares its ONNX lowering (<see cref="ActivationOps"/>), so models built on them export to ONNX.
/// </summary>
[MiniTorchPlugin("activations", "1.0.0", "[0.1, 1.0)")]
public sealed class ActivationsPlugin : IMiniTorchPlugin
{
    /// <inheritdoc />
    public void Register(PluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddOp(ActivationOps.Swish);
        registrar.AddOp(ActivationOps.Silu);
        registrar.AddOp(ActivationOps.Mish);
        registrar.AddOp(ActivationOps.Softplus);
        registrar.AddOp(ActivationOps.LinearGelu);

        registrar.AddModule(new ModuleDefinition
        {
            Name = "Swish",
            Attributes = new Dictionary<string, double> { ["beta"] = 1 },
            Create = a => new Swish(a["beta"]),
            Samples = [new ModuleSample([2, 3])],
        });
        registrar.AddModule(new ModuleDefinition { Name = "SiLU", Create = _ => new SiLU(), Samples = [new ModuleSample([2, 3])] });
        registrar.AddModule(new ModuleDefinition { Name = "Mish", Create = _ => new Mish(), Samples = [new ModuleSample([2, 3])] });
        registrar.AddModule(new ModuleDefinition
        {
            Name = "Softplus",
            Attributes = new Dictionary<string, double> { ["beta"] = 1, ["threshold"] = 20 },
            Create = a => new Softplus(a["beta"], a["threshold"]),
            Samples = [new ModuleSample([2, 3]) { Attributes = new Dictionary<string, double> { ["beta"] = 2, ["threshold"] = 1 } }],
        });
        registrar.AddModule(new ModuleDefinition
        {
            Name = "LinearGelu",
            RequiredAttributes = ["inFeatures", "outFeatures"],
            Create = a => new LinearGelu(checked((int)a["inFeatures"]), checked((int)a["outFeatures"])),
            Samples = [new ModuleSample([4, 3]) { Attributes = new Dictionary<string, double> { ["inFeatures"] = 3, ["outFeatures"] = 2 } }],
        });
    }
}
