using MiniTorch.Plugins;

namespace ForeignContractPlugin;

/// <summary>Looks like a plugin by every name, but its attribute and interface are its own copies.</summary>
[MiniTorchPlugin("foreign-contract", "1.0.0", "[0.1, 1.0)")]
public sealed class ForeignContractPlugin : IMiniTorchPlugin
{
    public void Register(object registrar)
    {
    }
}
