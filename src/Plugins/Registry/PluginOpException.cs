namespace MiniTorch.Plugins;

/// <summary>
/// Thrown when a plugin op fails while it runs; the message names the op, the plugin and its file, and the
/// original exception is the inner exception. Errors in the call itself (an unknown op, a wrong number of inputs,
/// an unknown attribute) are <see cref="ArgumentException"/>s and <see cref="KeyNotFoundException"/>s instead.
/// </summary>
public class PluginOpException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PluginOpException(string opName, LoadedPlugin plugin, Exception inner)
        : base($"Op '{opName}' from plugin '{plugin?.Name}' {(plugin is null ? "" : VersionRange.Format(plugin.Version))} ({plugin?.FilePath}) failed: {inner?.Message}", inner)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        OpName = opName;
        Plugin = plugin;
    }

    /// <summary>The op that failed.</summary>
    public string OpName { get; }

    /// <summary>The plugin that provided it.</summary>
    public LoadedPlugin Plugin { get; }
}
