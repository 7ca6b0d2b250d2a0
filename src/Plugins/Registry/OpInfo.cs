namespace MiniTorch.Plugins;

/// <summary>
/// What a registry lists about one loaded op: its name, inputs, default attributes and the plugin that provided
/// it. Plain data: holding it does not keep the plugin's code loaded.
/// </summary>
/// <param name="Name">The op's name.</param>
/// <param name="Inputs">The names of its tensor inputs.</param>
/// <param name="Attributes">Its attributes with their defaults.</param>
/// <param name="Description">What it computes.</param>
/// <param name="Plugin">The plugin that provided it.</param>
/// <param name="InvocationCount">How many times it had been invoked through the registry when this was listed.</param>
public sealed record OpInfo(string Name, IReadOnlyList<string> Inputs, IReadOnlyDictionary<string, double> Attributes, string Description, LoadedPlugin Plugin, long InvocationCount)
{
    /// <summary>The op as a listing shows it: <c>linear_gelu(input, weight, bias) from activations 1.0.0</c>.</summary>
    public override string ToString() => $"{Name}({string.Join(", ", Inputs)}) from {Plugin.Name} {VersionRange.Format(Plugin.Version)}";
}

/// <summary>What a registry lists about one loaded module type. Plain data, like <see cref="OpInfo"/>.</summary>
/// <param name="Name">The module's name.</param>
/// <param name="Attributes">Its attributes with their defaults.</param>
/// <param name="RequiredAttributes">Attributes every caller must give.</param>
/// <param name="Description">What it computes.</param>
/// <param name="Plugin">The plugin that provided it.</param>
public sealed record ModuleInfo(string Name, IReadOnlyDictionary<string, double> Attributes, IReadOnlyList<string> RequiredAttributes, string Description, LoadedPlugin Plugin)
{
    /// <summary>The module as a listing shows it: <c>Mish from activations 1.0.0</c>.</summary>
    public override string ToString() => $"{Name} from {Plugin.Name} {VersionRange.Format(Plugin.Version)}";
}
