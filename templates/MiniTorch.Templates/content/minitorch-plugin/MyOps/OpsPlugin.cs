using MiniTorch.Plugins;

namespace MyOps;

/// <summary>
/// The plugin: a host that loads MyOps.dll finds this class, checks the MiniTorch versions it declares before running
/// any of its code, calls <see cref="Register"/> and validates every op it adds (OpCheck) before accepting it.
/// </summary>
/// <remarks>
/// Raise the plugin's version (here and in the .csproj) with each release; widen the MiniTorch range only after
/// testing with that MiniTorch.
/// </remarks>
[MiniTorchPlugin("MyOps", "1.0.0", "@MINITORCH_PLUGIN_RANGE@")]
public sealed class OpsPlugin : IMiniTorchPlugin
{
    /// <inheritdoc />
    public void Register(PluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddOp(SquareplusOp.Definition);
    }
}
