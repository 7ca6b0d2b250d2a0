namespace MiniTorch.Plugins;

/// <summary>
/// A plugin loaded into a <see cref="PluginHost"/>: what it declared and what it registered. Plain data: holding
/// it does not keep the plugin's code in memory after it is unloaded.
/// </summary>
public sealed class LoadedPlugin
{
    internal LoadedPlugin(string name, Version version, VersionRange supportedMiniTorchVersions, string filePath, IReadOnlyList<string> opNames, IReadOnlyList<string> moduleNames, OpCheckReport? validation)
    {
        Name = name;
        Version = version;
        SupportedMiniTorchVersions = supportedMiniTorchVersions;
        FilePath = filePath;
        OpNames = opNames;
        ModuleNames = moduleNames;
        Validation = validation;
    }

    /// <summary>The plugin's name.</summary>
    public string Name { get; }

    /// <summary>The plugin's version.</summary>
    public Version Version { get; }

    /// <summary>The MiniTorch versions the plugin declared it supports.</summary>
    public VersionRange SupportedMiniTorchVersions { get; }

    /// <summary>The full path of the plugin's main assembly.</summary>
    public string FilePath { get; }

    /// <summary>The ops it registered.</summary>
    public IReadOnlyList<string> OpNames { get; }

    /// <summary>The module types it registered.</summary>
    public IReadOnlyList<string> ModuleNames { get; }

    /// <summary>The validation report from loading, or null if it was loaded without validation.</summary>
    public OpCheckReport? Validation { get; }

    /// <summary>Whether the plugin is still loaded (false after <see cref="PluginHost.Unload"/>).</summary>
    public bool IsLoaded { get; internal set; } = true;

    /// <summary>The plugin as listings show it: <c>activations 1.0.0 (/app/plugins/ActivationsPlugin/ActivationsPlugin.dll)</c>.</summary>
    public override string ToString() => $"{Name} {VersionRange.Format(Version)} ({FilePath})";
}
