using MiniTorch.Plugins.Tests.Support;

namespace MiniTorch.Plugins.Tests.Registry;

/// <summary>The static <see cref="Ops"/> facade over <see cref="PluginHost.Default"/>. The only test class that touches the default host.</summary>
public class DefaultHostTests
{
    [Fact]
    public void OpsInvokeUsesTheDefaultHost()
    {
        PluginHost.Default.Load(PluginFiles.Activations, new PluginLoadOptions { RequireValidation = false });
        try
        {
            Assert.True(Ops.Contains("swish"));
            Assert.Contains(Ops.List(), o => o is { Name: "swish", Plugin.Name: "activations" });
            var x = Tensor.Scalar(1.0, DType.Float64);
            Assert.Equal(0.7310585786300049, Ops.Invoke("swish", x).Item(), 15);
            Assert.Equal(0.8807970779778823, Ops.Invoke("swish", [x], new Dictionary<string, double> { ["beta"] = 2 }).Item(), 15);
        }
        finally
        {
            PluginHost.Default.Unload("activations");
        }
        Assert.False(Ops.Contains("swish"));
    }

    [Fact]
    public void TheHostVersionIsTheCoreAssemblyVersion()
    {
        Assert.Equal(new Version(0, 1, 0, 0), PluginHost.MiniTorchVersion);
    }
}
