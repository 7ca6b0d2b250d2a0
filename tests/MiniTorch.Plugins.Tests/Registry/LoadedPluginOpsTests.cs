using MiniTorch.Plugins.Tests.Support;

namespace MiniTorch.Plugins.Tests.Registry;

/// <summary>
/// The process-wide list of loaded plugin ops that the ONNX exporter and importer read: one entry per op and host,
/// removed when its host unloads the plugin. Other tests load the same plugin in parallel, so entries are told apart
/// by their <see cref="LoadedPlugin"/> instance.
/// </summary>
public sealed class LoadedPluginOpsTests
{
    private static string[] OpsOf(LoadedPlugin plugin) =>
        [.. LoadedPluginOps.List().Where(e => ReferenceEquals(e.Plugin, plugin)).Select(e => e.Op.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public void EachHostsPluginIsListedWithItsOpsUntilItIsUnloaded()
    {
        using var first = new PluginHost();
        using var second = new PluginHost();
        var a = first.Load(PluginFiles.Activations, new PluginLoadOptions { RequireValidation = false });
        var b = second.Load(PluginFiles.Activations, new PluginLoadOptions { RequireValidation = false });

        string[] ops = ["linear_gelu", "mish", "silu", "softplus", "swish"];
        Assert.Equal(ops, OpsOf(a));
        Assert.Equal(ops, OpsOf(b));
        var mish = LoadedPluginOps.List().First(e => ReferenceEquals(e.Plugin, b) && e.Op.Name == "mish").Op;
        Assert.Equal("activations", mish.PluginName);
        Assert.Equal(OnnxLoweringKind.Function, mish.OnnxLowering?.Kind);

        first.Unload("activations");
        Assert.Empty(OpsOf(a));
        Assert.Equal(ops, OpsOf(b));
        Assert.True(LoadedPluginOps.IsLoaded("activations"));
        Assert.True(LoadedPluginOps.TryFind("activations", "softplus", out var softplus, out var plugin));
        Assert.Equal("softplus", softplus!.Name);
        Assert.Equal("activations", plugin!.Name);
        Assert.False(LoadedPluginOps.TryFind("activations", "gelu", out _, out _));
    }
}
