using MiniTorch.Plugins;

namespace MiniTorch.Examples.Activations;

/// <summary>
/// The sample plugin: Swish/SiLU, Mish and Softplus activations, and a fused Linear+GELU op with a hand-written
/// backward, each as an op (<c>host.Ops.Invoke("mish", x)</c>) and as a module type (<c>host.Modules.Create("Mish")</c>).
/// The samples cover every branch: Softplus is checked on both sides of a small threshold, LinearGelu on a batch of
/// vectors, a single vector, and a 3-d input.
/// </summary>
[MiniTorchPlugin("activations", "1.0.0", "[0.1, 1.0)")]
public sealed class ActivationsPlugin : IMiniTorchPlugin
{
    /// <inheritdoc />
    public void Register(PluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddOp(new OpDefinition
        {
            Name = "swish",
            Description = "x·σ(βx) (Ramachandran et al., 2017)",
            Inputs = ["input"],
            Attributes = new Dictionary<string, double> { ["beta"] = 1 },
            Create = a => new SwishFunction(a["beta"]),
            Samples = [new OpSample([3, 4]), new OpSample([5]) { Attributes = new Dictionary<string, double> { ["beta"] = 1.7 } }],
        });
        registrar.AddOp(new OpDefinition
        {
            Name = "silu",
            Description = "x·σ(x), PyTorch's F.silu",
            Inputs = ["input"],
            Create = _ => new SwishFunction(1),
            Samples = [new OpSample([3, 4])],
        });
        registrar.AddOp(new OpDefinition
        {
            Name = "mish",
            Description = "x·tanh(softplus(x)), PyTorch's F.mish",
            Inputs = ["input"],
            Create = _ => new MishFunction(),
            Samples = [new OpSample([3, 4]), new OpSample([6]) { ValueRange = (-8, 8) }],
        });
        registrar.AddOp(new OpDefinition
        {
            Name = "softplus",
            Description = "log(1 + e^(βx))/β, linear where βx > threshold; PyTorch's F.softplus",
            Inputs = ["input"],
            Attributes = new Dictionary<string, double> { ["beta"] = 1, ["threshold"] = 20 },
            Create = a => new SoftplusFunction(a["beta"], a["threshold"]),
            Samples =
            [
                new OpSample([3, 4]),
                new OpSample([4, 4]) { Attributes = new Dictionary<string, double> { ["beta"] = 2, ["threshold"] = 1 } },
            ],
        });
        registrar.AddOp(new OpDefinition
        {
            Name = "linear_gelu",
            Description = "GELU(x·Wᵀ + b) as one fused op, PyTorch's F.gelu(F.linear(x, W, b))",
            Inputs = ["input", "weight", "bias"],
            Create = _ => new LinearGeluFunction(),
            Samples = [new OpSample([4, 3], [2, 3], [2]), new OpSample([3], [2, 3], [2]), new OpSample([2, 2, 3], [2, 3], [2])],
        });

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
