// A copy of MiniTorch's plugin contract compiled into the plugin, as happens when a plugin includes MiniTorch's
// sources or merges its assemblies: same namespaces and names as the host's types, but different types.
namespace MiniTorch.Plugins;

[AttributeUsage(AttributeTargets.Class)]
public sealed class MiniTorchPluginAttribute(string name, string version, string miniTorchVersions) : Attribute
{
    public string Name { get; } = name;

    public string Version { get; } = version;

    public string MiniTorchVersions { get; } = miniTorchVersions;
}

public interface IMiniTorchPlugin
{
    void Register(object registrar);
}
