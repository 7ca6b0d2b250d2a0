namespace MiniTorch.Plugins;

/// <summary>
/// The ops of the process-wide <see cref="PluginHost.Default"/>, PyTorch's <c>torch.ops</c>:
/// <c>PluginHost.Default.Load(path); var y = Ops.Invoke("swish", x);</c>. Code that wants its own set of plugins
/// (a test, a server hosting several models) makes a <see cref="PluginHost"/> and uses its <see cref="PluginHost.Ops"/>.
/// </summary>
public static class Ops
{
    /// <summary>Runs op <paramref name="name"/> on <paramref name="inputs"/> with its default attributes (see <see cref="OpRegistry.Invoke(string, Tensor[])"/>).</summary>
    public static Tensor Invoke(string name, params Tensor[] inputs) => PluginHost.Default.Ops.Invoke(name, inputs);

    /// <summary>Runs op <paramref name="name"/> with <paramref name="attributes"/> laid over its defaults (see <see cref="OpRegistry.Invoke(string, Tensor[], IReadOnlyDictionary{string, double})"/>).</summary>
    public static Tensor Invoke(string name, Tensor[] inputs, IReadOnlyDictionary<string, double>? attributes) => PluginHost.Default.Ops.Invoke(name, inputs, attributes);

    /// <summary>Every op loaded into the default host, with the plugin that provided each.</summary>
    public static IReadOnlyList<OpInfo> List() => PluginHost.Default.Ops.List();

    /// <summary>Whether the default host has an op named <paramref name="name"/>.</summary>
    public static bool Contains(string name) => PluginHost.Default.Ops.Contains(name);
}
