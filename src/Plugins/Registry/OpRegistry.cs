namespace MiniTorch.Plugins;

/// <summary>
/// The ops loaded into a <see cref="PluginHost"/>, called by name: <c>host.Ops.Invoke("swish", x)</c>, PyTorch's
/// <c>torch.ops.mylib.swish(x)</c>. Calls never take a lock: the host replaces the whole table when a plugin is
/// loaded or unloaded, and a call reads the table it finds.
/// </summary>
public sealed class OpRegistry
{
    private volatile Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    internal OpRegistry()
    {
    }

    /// <summary>Runs op <paramref name="name"/> on <paramref name="inputs"/> with its default attributes, recording it in the graph like any op.</summary>
    public Tensor Invoke(string name, params Tensor[] inputs) => Invoke(name, inputs, null);

    /// <summary>
    /// Runs op <paramref name="name"/> on <paramref name="inputs"/> with <paramref name="attributes"/> laid over its
    /// defaults (e.g. <c>new Dictionary&lt;string, double&gt; { ["beta"] = 2 }</c>).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No loaded plugin provides <paramref name="name"/>.</exception>
    /// <exception cref="ArgumentException">The number of inputs is not the op's, an input declared integer or bool (<see cref="OpDefinition.InputDTypes"/>) has another dtype, or an attribute is not one of its own.</exception>
    /// <exception cref="PluginOpException">The plugin's code failed; the inner exception is what it threw.</exception>
    public Tensor Invoke(string name, Tensor[] inputs, IReadOnlyDictionary<string, double>? attributes)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inputs);
        var entry = Find(name);
        var op = entry.Definition;
        if (inputs.Length != op.Inputs.Count)
        {
            throw new ArgumentException($"Op '{name}' takes {op.Inputs.Count} input(s) ({string.Join(", ", op.Inputs)}), got {inputs.Length}.", nameof(inputs));
        }
        op.CheckInputDTypes(inputs);
        var merged = attributes is null ? entry.Defaults : PluginAttributes.Merge($"Op '{name}'", op.Attributes, [], attributes);
        Interlocked.Increment(ref entry.Invocations);
        try
        {
            return op.Run(inputs, merged);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new PluginOpException(name, entry.Plugin, e);
        }
    }

    /// <summary>Whether an op named <paramref name="name"/> is loaded.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The loaded op named <paramref name="name"/>, with the plugin that provided it.</summary>
    public OpInfo Get(string name) => Find(name).Info();

    /// <summary>Every loaded op, by name, with the plugin that provided each.</summary>
    public IReadOnlyList<OpInfo> List() => _entries.Values.OrderBy(e => e.Definition.Name, StringComparer.Ordinal).Select(e => e.Info()).ToArray();

    /// <summary>The loaded op that a plugin other than the one being loaded already provides under <paramref name="name"/>, if any.</summary>
    internal LoadedPlugin? Owner(string name) => _entries.TryGetValue(name, out var e) ? e.Plugin : null;

    /// <summary>The definition behind a loaded op, for validation.</summary>
    internal OpDefinition Definition(string name) => Find(name).Definition;

    /// <summary>Adds a plugin's ops; the caller (the host, under its lock) has checked that no name is taken.</summary>
    internal void Add(LoadedPlugin plugin, IReadOnlyList<OpDefinition> ops)
    {
        var next = new Dictionary<string, Entry>(_entries, StringComparer.Ordinal);
        foreach (var op in ops)
        {
            next.Add(op.Name, new Entry(op, plugin, PluginAttributes.Merge($"Op '{op.Name}'", op.Attributes, [], null)));
        }
        _entries = next;
    }

    /// <summary>Removes every op of <paramref name="plugin"/>, dropping the references to its code.</summary>
    internal void Remove(LoadedPlugin plugin)
    {
        _entries = _entries.Where(p => !ReferenceEquals(p.Value.Plugin, plugin)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    private Entry Find(string name)
    {
        var entries = _entries;
        if (entries.TryGetValue(name, out var entry))
        {
            return entry;
        }
        string loaded = entries.Count == 0 ? "no ops are loaded; load a plugin first" : "loaded ops: " + string.Join(", ", entries.Keys.Order(StringComparer.Ordinal));
        throw new KeyNotFoundException($"No loaded plugin provides an op named '{name}'; {loaded}.");
    }

    private sealed class Entry(OpDefinition definition, LoadedPlugin plugin, PluginAttributes defaults)
    {
        public long Invocations;

        public OpDefinition Definition { get; } = definition;

        public LoadedPlugin Plugin { get; } = plugin;

        public PluginAttributes Defaults { get; } = defaults;

        public OpInfo Info() => new(Definition.Name, Definition.Inputs.ToArray(), new Dictionary<string, double>(Definition.Attributes), Definition.Description, Plugin, Interlocked.Read(ref Invocations));
    }
}
