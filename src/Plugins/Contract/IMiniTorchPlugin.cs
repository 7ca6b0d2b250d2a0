namespace MiniTorch.Plugins;

/// <summary>
/// The entry point of a plugin assembly: one public class per plugin assembly implements it, carries
/// <see cref="MiniTorchPluginAttribute"/> and has a public parameterless constructor. The host creates it once and
/// calls <see cref="Register"/>, where the plugin adds its ops and module types.
/// </summary>
/// <example>
/// <code>
/// [MiniTorchPlugin("activations", "1.0.0", "[0.1, 1.0)")]
/// public sealed class ActivationsPlugin : IMiniTorchPlugin
/// {
///     public void Register(PluginRegistrar registrar)
///     {
///         registrar.AddOp(new OpDefinition
///         {
///             Name = "silu",
///             Inputs = ["input"],
///             Create = _ => new SiluFunction(),
///             Samples = [new OpSample([3, 4])],
///         });
///     }
/// }
/// </code>
/// </example>
public interface IMiniTorchPlugin
{
    /// <summary>Adds the plugin's ops and module types to <paramref name="registrar"/>. Called once, right after construction.</summary>
    void Register(PluginRegistrar registrar);
}
