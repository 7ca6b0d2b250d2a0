using MiniTorch.NN;

namespace MiniTorch.Plugins;

/// <summary>
/// A module type a plugin adds (a layer built on its ops), created by name through
/// <see cref="ModuleRegistry.Create"/> with scalar attributes, e.g. <c>Create("LinearGelu", new() { ["inFeatures"] = 64, ["outFeatures"] = 32 })</c>.
/// </summary>
public sealed class ModuleDefinition
{
    /// <summary>The module's name, in PascalCase like a type name (<c>LinearGelu</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Makes a new module from its attributes.</summary>
    public required Func<PluginAttributes, Module> Create { get; init; }

    /// <summary>The samples <see cref="PluginValidator"/> validates the module on; at least one.</summary>
    public required IReadOnlyList<ModuleSample> Samples { get; init; }

    /// <summary>Attributes with defaults, e.g. <c>beta</c> of a Softplus layer.</summary>
    public IReadOnlyDictionary<string, double> Attributes { get; init; } = new Dictionary<string, double>();

    /// <summary>Attributes without a default that every caller must give, such as a layer's sizes.</summary>
    public IReadOnlyList<string> RequiredAttributes { get; init; } = [];

    /// <summary>One line for listings: what the module computes.</summary>
    public string Description { get; init; } = "";
}

/// <summary>An input shape and attributes on which a plugin module is validated.</summary>
/// <param name="InputShape">The shape of the module's input.</param>
public sealed record ModuleSample(int[] InputShape)
{
    /// <summary>Attribute values for this sample; must include the module's required attributes.</summary>
    public IReadOnlyDictionary<string, double>? Attributes { get; init; }

    /// <summary>The sample as error messages name it.</summary>
    public override string ToString()
    {
        string attributes = Attributes is { Count: > 0 } a ? " with " + string.Join(", ", a.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => FormattableString.Invariant($"{p.Key}={p.Value}"))) : "";
        return $"input {ShapeText.Format(InputShape)}{attributes}";
    }
}
