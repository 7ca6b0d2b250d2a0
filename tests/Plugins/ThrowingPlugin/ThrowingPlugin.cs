using MiniTorch.Plugins;

namespace ThrowingPlugin;

/// <summary>A plugin whose constructor throws, as one does when a configuration file or native library it needs is missing.</summary>
[MiniTorchPlugin("throwing", "1.0.0", "[0.1, 1.0)")]
public sealed class ThrowingPlugin : IMiniTorchPlugin
{
    public ThrowingPlugin() => throw new InvalidOperationException("the kernel cache directory is not configured");

    public void Register(PluginRegistrar registrar) => throw new InvalidOperationException("never reached");
}
