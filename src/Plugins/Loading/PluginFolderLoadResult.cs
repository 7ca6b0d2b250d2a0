namespace MiniTorch.Plugins;

/// <summary>
/// What <see cref="PluginHost.LoadFolder"/> did: the plugins it loaded and, for each one it could not load, the
/// exception saying why. One broken plugin does not stop the others from loading.
/// </summary>
public sealed class PluginFolderLoadResult
{
    internal PluginFolderLoadResult(IReadOnlyList<LoadedPlugin> loaded, IReadOnlyList<PluginLoadException> failures)
    {
        Loaded = loaded;
        Failures = failures;
    }

    /// <summary>The plugins that were loaded.</summary>
    public IReadOnlyList<LoadedPlugin> Loaded { get; }

    /// <summary>The plugins that were not, with the reason for each.</summary>
    public IReadOnlyList<PluginLoadException> Failures { get; }

    /// <summary>Throws an <see cref="AggregateException"/> of the failures, if there were any.</summary>
    public void ThrowIfAnyFailed()
    {
        if (Failures.Count > 0)
        {
            throw new AggregateException($"{Failures.Count} plugin(s) could not be loaded: " + string.Join(" ", Failures.Select(f => f.Message)), Failures);
        }
    }
}
