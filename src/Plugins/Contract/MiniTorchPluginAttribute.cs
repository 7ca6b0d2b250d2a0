namespace MiniTorch.Plugins;

/// <summary>
/// Declares a class as a MiniTorch plugin: its name, its version and the MiniTorch versions it works with. The host
/// reads this attribute as metadata, before running any of the plugin's code, so a plugin built for another
/// MiniTorch is refused without its constructor ever being called.
/// </summary>
/// <param name="name">The plugin's name, e.g. <c>activations</c>: letters, digits, '.', '-' and '_', starting with a letter.</param>
/// <param name="version">The plugin's own version, e.g. <c>1.2.0</c>.</param>
/// <param name="miniTorchVersions">
/// The MiniTorch versions it supports, in NuGet's interval notation: <c>[0.1, 1.0)</c> (from 0.1 up to, not
/// including, 1.0), <c>0.1</c> (0.1 or later), <c>[0.1]</c> (exactly 0.1). See <see cref="VersionRange"/>.
/// </param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MiniTorchPluginAttribute(string name, string version, string miniTorchVersions) : Attribute
{
    /// <summary>The plugin's name.</summary>
    public string Name { get; } = name;

    /// <summary>The plugin's version.</summary>
    public string Version { get; } = version;

    /// <summary>The MiniTorch versions the plugin supports, in NuGet's interval notation.</summary>
    public string MiniTorchVersions { get; } = miniTorchVersions;
}
