using MiniTorch.Plugins.Tests.Support;
using static MiniTorch.Plugins.Tests.Support.EmittedAssemblies;

namespace MiniTorch.Plugins.Tests.Loading;

/// <summary>Plugins whose references, metadata or plugin class are wrong, written as small assemblies by the tests.</summary>
public sealed class MalformedPluginTests : IDisposable
{
    private static readonly string[] Valid = ["emitted", "1.0.0", "[0.1, 1.0)"];
    private readonly TempFolder _folder = PluginFiles.TempFolder();
    private readonly PluginHost _host = new();

    public void Dispose()
    {
        _host.Dispose();
        _folder.Dispose();
    }

    private PluginLoadException LoadFails(string path, PluginLoadFailure failure)
    {
        var e = Assert.Throws<PluginLoadException>(() => _host.Load(path));
        Assert.Equal(failure, e.Failure);
        Assert.Equal(path, e.FilePath);
        Assert.Empty(_host.Plugins);
        return e;
    }

    [Fact]
    public void APluginCompiledAgainstANewerMiniTorchIsRefusedBeforeItLoads()
    {
        string path = WithReferences(_folder.Path, "NewerPlugin", ("MiniTorch.Plugins", new Version(9, 0, 0, 0)));
        var e = LoadFails(path, PluginLoadFailure.IncompatibleMiniTorchVersion);
        Assert.Equal("it was built against MiniTorch.Plugins 9.0.0, newer than this host's 0.1.0. Update the host's MiniTorch, or rebuild the plugin against MiniTorch 0.1.0.", e.Reason);
    }

    [Fact]
    public void APluginCompiledAgainstAnOlderMiniTorchPassesTheReferenceCheck()
    {
        // 0.0.5 < 0.1: the runtime binds it to the host's newer assembly; the declared range decides compatibility.
        string path = WithReferences(_folder.Path, "OlderPlugin", ("MiniTorch", new Version(0, 0, 5, 0)));
        Assert.StartsWith("it has no class marked [MiniTorchPlugin", LoadFails(path, PluginLoadFailure.NoPluginClass).Reason);
    }

    [Fact]
    public void APluginUsingAMiniTorchAssemblyTheHostLacks()
    {
        // The test host references every layer up to MiniTorch.Onnx (through examples/PluginTraining), not MiniTorch.Distributed.
        string path = WithReferences(_folder.Path, "DistributedPlugin", ("MiniTorch.Distributed", new Version(0, 1, 0, 0)));
        var e = LoadFails(path, PluginLoadFailure.MissingDependency);
        Assert.Equal("it uses MiniTorch.Distributed 0.1.0, which this host does not have; add a reference to MiniTorch.Distributed to the host application.", e.Reason);
    }

    [Theory]
    [InlineData("bad name", "1.0.0", "[0.1, 1.0)", "has the name 'bad name'; use letters, digits, '.', '-' and '_', starting with a letter.")]
    [InlineData("emitted", "one", "[0.1, 1.0)", "has the version 'one', which is not a version such as 1.2.0.")]
    [InlineData("emitted", "1.0.0", "[1.0, 0.1]", "gives the MiniTorch versions '[1.0, 0.1]', which is not a version range: the lower bound is above the upper bound, so no version is in it. Use NuGet's notation, e.g. '[0.1, 1.0)'.")]
    public void InvalidMetadataIsNamed(string name, string version, string range, string reason)
    {
        string path = WithPluginClasses(_folder.Path, "BadMetadata", new PluginClass("Bad.Plugin", [name, version, range]));
        var e = LoadFails(path, PluginLoadFailure.InvalidMetadata);
        Assert.Equal("[MiniTorchPlugin] on Bad.Plugin " + reason, e.Reason);
    }

    [Fact]
    public void TwoPluginClassesInOneAssembly()
    {
        string path = WithPluginClasses(_folder.Path, "TwoPlugins", new PluginClass("Two.First", Valid), new PluginClass("Two.Second", Valid));
        var e = LoadFails(path, PluginLoadFailure.MultiplePluginClasses);
        Assert.Equal("it has 2 classes marked [MiniTorchPlugin] (Two.First, Two.Second); a plugin assembly has exactly one, which registers everything.", e.Reason);
    }

    [Fact]
    public void AMarkedClassThatIsNotAPlugin()
    {
        string path = WithPluginClasses(_folder.Path, "NotAPlugin", new PluginClass("Marked.Only", Valid, ImplementsInterface: false));
        Assert.Equal("Marked.Only is marked [MiniTorchPlugin] but does not implement IMiniTorchPlugin.", LoadFails(path, PluginLoadFailure.InvalidPluginClass).Reason);
    }

    [Fact]
    public void APluginClassWithoutAParameterlessConstructor()
    {
        string path = WithPluginClasses(_folder.Path, "NoConstructor", new PluginClass("Needs.Argument", Valid, ParameterlessConstructor: false));
        var e = LoadFails(path, PluginLoadFailure.InvalidPluginClass);
        Assert.Equal("Needs.Argument must be a non-abstract class with a public parameterless constructor; the host creates it with new().", e.Reason);
    }

    [Fact]
    public void APluginClassWithoutTheAttributeIsPointedAt()
    {
        string path = WithPluginClasses(_folder.Path, "Unmarked", new PluginClass("Unmarked.Plugin", null));
        var e = LoadFails(path, PluginLoadFailure.NoPluginClass);
        Assert.Equal("it has no class marked [MiniTorchPlugin(name, version, miniTorchVersions)]. Unmarked.Plugin implements IMiniTorchPlugin but is not marked; add the attribute to it.", e.Reason);
    }

    [Fact]
    public void APluginThatRegistersNothing()
    {
        string path = WithPluginClasses(_folder.Path, "Empty", new PluginClass("Empty.Plugin", Valid));
        var e = LoadFails(path, PluginLoadFailure.RegistrationFailed);
        Assert.Equal("Empty.Plugin.Register added no ops and no module types; call registrar.AddOp or registrar.AddModule.", e.Reason);
    }
}
