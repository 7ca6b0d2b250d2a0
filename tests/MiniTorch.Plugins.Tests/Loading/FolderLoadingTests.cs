using MiniTorch.Plugins.Tests.Support;

namespace MiniTorch.Plugins.Tests.Loading;

/// <summary>Loading every plugin of a folder: the good ones load, each bad one is reported with its reason.</summary>
public class FolderLoadingTests
{
    [Fact]
    public void LoadsEachPluginFolderAndReportsTheOnesThatFail()
    {
        using var folder = PluginFiles.TempFolder();
        foreach (string name in new[] { "ActivationsPlugin", "DependentPlugin", "FuturePlugin", "ThrowingPlugin" })
        {
            PluginFiles.CopyPlugin(name, folder.Path);
        }
        File.WriteAllText(folder.File("readme.dll"), "not a plugin");
        Directory.CreateDirectory(folder.File("Empty"));
        using var host = new PluginHost();

        var result = host.LoadFolder(folder.Path);

        Assert.Equal(["activations", "dependent"], result.Loaded.Select(p => p.Name));
        Assert.Equal(["activations", "dependent"], host.Plugins.Select(p => p.Name));
        Assert.Equal(
            [
                (folder.File("readme.dll"), PluginLoadFailure.NotAnAssembly),
                (Path.Combine(folder.Path, "Empty", "Empty.dll"), PluginLoadFailure.FileNotFound),
                (Path.Combine(folder.Path, "FuturePlugin", "FuturePlugin.dll"), PluginLoadFailure.IncompatibleMiniTorchVersion),
                (Path.Combine(folder.Path, "ThrowingPlugin", "ThrowingPlugin.dll"), PluginLoadFailure.ConstructorFailed),
            ],
            result.Failures.Select(f => (f.FilePath, f.Failure)));
        Assert.Contains($"the folder '{Path.Combine(folder.Path, "Empty")}' has no Empty.dll; a plugin's folder is named after its main assembly.", result.Failures[1].Message);
        var all = Assert.Throws<AggregateException>(result.ThrowIfAnyFailed);
        Assert.Equal(4, all.InnerExceptions.Count);
        Assert.StartsWith("4 plugin(s) could not be loaded: Cannot load plugin", all.Message);
        Assert.Equal([6.0], host.Ops.Invoke("poly", Tensor.FromArray(new double[] { 1 })).ToDoubleArray());
        host.Dispose();
    }

    [Fact]
    public void AFolderOfGoodPluginsReportsNoFailures()
    {
        using var folder = PluginFiles.TempFolder();
        PluginFiles.CopyPlugin("ActivationsPlugin", folder.Path);
        using var host = new PluginHost();
        var result = host.LoadFolder(folder.Path, new PluginLoadOptions { RequireValidation = false });
        Assert.Empty(result.Failures);
        result.ThrowIfAnyFailed();
        Assert.Equal("activations", Assert.Single(result.Loaded).Name);
    }

    [Fact]
    public void AMissingFolderIsAnError()
    {
        using var host = new PluginHost();
        string missing = Path.Combine(PluginFiles.Folder, "no-such-folder");
        var e = Assert.Throws<DirectoryNotFoundException>(() => host.LoadFolder(missing));
        Assert.Equal($"Plugin folder '{missing}' does not exist.", e.Message);
    }

    [Fact]
    public void APluginsOwnDependencyIsResolvedFromItsFolderIntoItsContext()
    {
        using var host = new PluginHost();
        host.Load(PluginFiles.Path("DependentPlugin"));
        // poly(x) = 1 + 2x + 3x², computed by PluginMath.dll, which only the plugin's folder has.
        var x = Tensor.FromArray(new double[] { 0, 1, 2 }, requiresGrad: true);
        var y = host.Ops.Invoke("poly", x);
        Assert.Equal([1.0, 6.0, 17.0], y.ToDoubleArray());
        y.Sum().Backward();
        Assert.Equal([2.0, 8.0, 14.0], x.Grad!.ToDoubleArray());
        string helperPath = Path.Combine(Path.GetDirectoryName(PluginFiles.Path("DependentPlugin"))!, "PluginMath.dll");
        var helper = System.Runtime.Loader.AssemblyLoadContext.All
            .SelectMany(c => c.Assemblies.Select(a => (Context: c, Assembly: a)))
            .Single(p => p.Assembly.GetName().Name == "PluginMath" && p.Assembly.Location == helperPath);
        Assert.Equal("MiniTorch plugin DependentPlugin.dll", helper.Context.Name);
        Assert.DoesNotContain(System.Runtime.Loader.AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "PluginMath");
    }
}
