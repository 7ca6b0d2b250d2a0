namespace MiniTorch.Onnx.Tests.Plugins;

/// <summary>
/// The plugins the test project builds and copies to plugins/&lt;Name&gt;/ (src/Plugins/build/MiniTorch.Plugins.targets).
/// Each test loads its own host and disposes it: the exporter finds a plugin op's lowering in whichever host has the
/// plugin loaded, so a test that unloads the plugin must be the only one holding it (hence one test collection).
/// </summary>
internal static class PluginFixture
{
    public const string Collection = "plugins loaded for ONNX export";

    public static string Path(string name)
    {
        string file = System.IO.Path.Combine(AppContext.BaseDirectory, "plugins", name, name + ".dll");
        Assert.True(File.Exists(file), $"{file} was not built; the test project's build copies every plugin project there.");
        return file;
    }

    /// <summary>A host with the sample ActivationsPlugin loaded (without load-time validation; the tests check what they need).</summary>
    public static PluginHost Activations()
    {
        var host = new PluginHost();
        host.Load(Path("ActivationsPlugin"), new PluginLoadOptions { RequireValidation = false });
        return host;
    }

    public static Dictionary<string, double> Attributes(params (string Name, double Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);
}

[CollectionDefinition(PluginFixture.Collection, DisableParallelization = true)]
public sealed class PluginCollection;
