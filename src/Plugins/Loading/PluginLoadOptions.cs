namespace MiniTorch.Plugins;

/// <summary>How a <see cref="PluginHost"/> loads a plugin.</summary>
public sealed record PluginLoadOptions
{
    /// <summary>The options used when none are given.</summary>
    public static PluginLoadOptions Default { get; } = new();

    /// <summary>
    /// Validate every op and module (<see cref="PluginValidator"/>) before registering anything, and refuse the plugin
    /// if a check fails. On by default: a wrong gradient trains silently wrong models, which costs more than the
    /// milliseconds validation takes on small samples.
    /// </summary>
    public bool RequireValidation { get; init; } = true;

    /// <summary>The settings of that validation.</summary>
    public OpCheckOptions Validation { get; init; } = OpCheckOptions.Default;
}
