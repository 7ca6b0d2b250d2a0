using MiniTorch.NN;

namespace MiniTorch.Plugins;

/// <summary>
/// The module types loaded into a <see cref="PluginHost"/>, created by name:
/// <c>host.Modules.Create("Mish")</c>. A module made here runs the plugin's code, so the plugin stays in memory
/// until the module is no longer referenced, even after it is unloaded.
/// </summary>
public sealed class ModuleRegistry
{
    private volatile Dictionary<string, (ModuleDefinition Definition, LoadedPlugin Plugin)> _entries = new(StringComparer.Ordinal);

    internal ModuleRegistry()
    {
    }

    /// <summary>Creates a new module of type <paramref name="name"/> with <paramref name="attributes"/> laid over its defaults.</summary>
    /// <exception cref="KeyNotFoundException">No loaded plugin provides <paramref name="name"/>.</exception>
    /// <exception cref="ArgumentException">An attribute is unknown, or a required one is missing.</exception>
    /// <exception cref="PluginOpException">The plugin's code failed; the inner exception is what it threw.</exception>
    public Module Create(string name, IReadOnlyDictionary<string, double>? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var (definition, plugin) = Find(name);
        var merged = PluginAttributes.Merge($"Module '{name}'", definition.Attributes, definition.RequiredAttributes, attributes);
        try
        {
            return definition.Create(merged) ?? throw new InvalidOperationException("Create returned null instead of a Module.");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new PluginOpException(name, plugin, e);
        }
    }

    /// <summary>Whether a module type named <paramref name="name"/> is loaded.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>Every loaded module type, by name, with the plugin that provided each.</summary>
    public IReadOnlyList<ModuleInfo> List() => _entries.Values
        .OrderBy(e => e.Definition.Name, StringComparer.Ordinal)
        .Select(e => new ModuleInfo(e.Definition.Name, new Dictionary<string, double>(e.Definition.Attributes), e.Definition.RequiredAttributes.ToArray(), e.Definition.Description, e.Plugin))
        .ToArray();

    internal LoadedPlugin? Owner(string name) => _entries.TryGetValue(name, out var e) ? e.Plugin : null;

    internal ModuleDefinition Definition(string name) => Find(name).Definition;

    internal void Add(LoadedPlugin plugin, IReadOnlyList<ModuleDefinition> modules)
    {
        var next = new Dictionary<string, (ModuleDefinition, LoadedPlugin)>(_entries, StringComparer.Ordinal);
        foreach (var module in modules)
        {
            next.Add(module.Name, (module, plugin));
        }
        _entries = next;
    }

    internal void Remove(LoadedPlugin plugin)
    {
        _entries = _entries.Where(p => !ReferenceEquals(p.Value.Plugin, plugin)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    private (ModuleDefinition Definition, LoadedPlugin Plugin) Find(string name)
    {
        var entries = _entries;
        if (entries.TryGetValue(name, out var entry))
        {
            return entry;
        }
        string loaded = entries.Count == 0 ? "no module types are loaded" : "loaded module types: " + string.Join(", ", entries.Keys.Order(StringComparer.Ordinal));
        throw new KeyNotFoundException($"No loaded plugin provides a module type named '{name}'; {loaded}.");
    }
}
