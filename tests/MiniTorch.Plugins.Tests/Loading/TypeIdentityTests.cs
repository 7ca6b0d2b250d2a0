using System.Reflection;
using System.Runtime.Loader;
using MiniTorch.Plugins.Tests.Support;

namespace MiniTorch.Plugins.Tests.Loading;

/// <summary>
/// Why the loader shares MiniTorch's assemblies and refuses bundled copies: a load context that resolves MiniTorch
/// from the plugin's folder gives the plugin a second <see cref="IMiniTorchPlugin"/>, and the host's type checks
/// silently fail. These tests show the trap, and that PluginHost avoids it.
/// </summary>
public class TypeIdentityTests
{
    [Fact]
    public void ANaiveLoadContextGivesThePluginASecondMiniTorchThatSilentlyDoesNotMatch()
    {
        string path = PluginFiles.Path("BundledCorePlugin");
        var naive = new NaiveContext(path);
        try
        {
            var assembly = naive.LoadFromAssemblyPath(path);
            var pluginType = assembly.GetType("BundledCorePlugin.BundledCorePlugin", throwOnError: true)!;
            var theirInterface = pluginType.GetInterfaces().Single(i => i.Name == nameof(IMiniTorchPlugin));
            // Same full name, not the same type: an "is IMiniTorchPlugin" check is simply false, without any error.
            Assert.Equal(typeof(IMiniTorchPlugin).FullName, theirInterface.FullName);
            Assert.NotEqual(typeof(IMiniTorchPlugin), theirInterface);
            Assert.False(typeof(IMiniTorchPlugin).IsAssignableFrom(pluginType));
            Assert.False(Activator.CreateInstance(pluginType) is IMiniTorchPlugin);
            Assert.Same(naive, AssemblyLoadContext.GetLoadContext(theirInterface.Assembly));
        }
        finally
        {
            naive.Unload();
        }
    }

    [Fact]
    public void PluginHostGivesEveryPluginTheHostsMiniTorch()
    {
        using var host = new PluginHost();
        host.Load(PluginFiles.Activations, new PluginLoadOptions { RequireValidation = false });
        host.Load(PluginFiles.Path("DependentPlugin"), new PluginLoadOptions { RequireValidation = false });
        var y = host.Ops.Invoke("mish", Tensor.Zeros(2));
        // The plugin's Tensor is the host's Tensor: its output is usable by host code as is, and by another plugin.
        Assert.IsType<Tensor>(y);
        Assert.Equal([1.0, 1.0], host.Ops.Invoke("poly", y).ToDoubleArray());
        Assert.True(host.Modules.Create("Mish").GetType().IsAssignableTo(typeof(MiniTorch.NN.Module)));
    }

    /// <summary>What a naive host does: resolve every dependency, MiniTorch included, from the plugin's folder.</summary>
    private sealed class NaiveContext(string path) : AssemblyLoadContext("naive", isCollectible: true)
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName) =>
            _resolver.ResolveAssemblyToPath(assemblyName) is { } file ? LoadFromAssemblyPath(file) : null;
    }
}
