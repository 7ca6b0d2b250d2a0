namespace MiniTorch.Plugins;

/// <summary>
/// The ops of every plugin loaded in any <see cref="PluginHost"/> of the process, by plugin and op name: what the
/// ONNX exporter reads a traced plugin op's lowering from, and the importer the op a custom-domain node maps to. A plugin loaded in two hosts is listed once per host;
/// unloading it from one leaves the other's entry.
/// </summary>
public static class LoadedPluginOps
{
    private static readonly object Lock = new();
    private static readonly List<(LoadedPlugin Plugin, OpDefinition Op)> Entries = [];

    /// <summary>
    /// Finds op <paramref name="opName"/> of the loaded plugin <paramref name="pluginName"/>; false if no host has that
    /// plugin loaded (it was never loaded, or it was unloaded) or the plugin has no such op.
    /// </summary>
    public static bool TryFind(string pluginName, string opName, out OpDefinition? definition, out LoadedPlugin? plugin)
    {
        ArgumentNullException.ThrowIfNull(pluginName);
        ArgumentNullException.ThrowIfNull(opName);
        lock (Lock)
        {
            foreach (var (p, op) in Entries)
            {
                if (p.Name == pluginName && op.Name == opName)
                {
                    (definition, plugin) = (op, p);
                    return true;
                }
            }
        }
        (definition, plugin) = (null, null);
        return false;
    }

    /// <summary>
    /// Every op of every loaded plugin, with the plugin that provides it (a snapshot): what the ONNX importer searches
    /// for the op a custom-domain node stands for, since a node names its domain, which need not be the plugin's name.
    /// </summary>
    public static IReadOnlyList<(LoadedPlugin Plugin, OpDefinition Op)> List()
    {
        lock (Lock)
        {
            return [.. Entries];
        }
    }

    /// <summary>Whether plugin <paramref name="pluginName"/> is loaded in some host.</summary>
    public static bool IsLoaded(string pluginName)
    {
        ArgumentNullException.ThrowIfNull(pluginName);
        lock (Lock)
        {
            return Entries.Exists(e => e.Plugin.Name == pluginName);
        }
    }

    internal static void Add(LoadedPlugin plugin, IReadOnlyList<OpDefinition> ops)
    {
        lock (Lock)
        {
            foreach (var op in ops)
            {
                Entries.Add((plugin, op));
            }
        }
    }

    internal static void Remove(LoadedPlugin plugin)
    {
        lock (Lock)
        {
            Entries.RemoveAll(e => ReferenceEquals(e.Plugin, plugin));
        }
    }
}
