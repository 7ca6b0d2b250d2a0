using MiniTorch.Plugins.Tests.Support;

namespace MiniTorch.Plugins.Tests.Loading;

/// <summary>
/// Every way a plugin can fail to load: the error names the file and the reason, nothing of the plugin is
/// registered, and the host goes on working with the plugin it already had.
/// </summary>
public sealed class LoadFailureTests : IDisposable
{
    private static readonly string[] ActivationOps = ["linear_gelu", "mish", "silu", "softplus", "swish"];
    private readonly PluginHost _host = new();

    public LoadFailureTests() => _host.Load(PluginFiles.Activations, new PluginLoadOptions { RequireValidation = false });

    public void Dispose() => _host.Dispose();

    private PluginLoadException LoadFails(string path, PluginLoadFailure failure, PluginLoadOptions? options = null)
    {
        var e = Assert.Throws<PluginLoadException>(() => _host.Load(path, options));
        Assert.Equal(failure, e.Failure);
        Assert.Equal(Path.GetFullPath(path), e.FilePath);
        Assert.StartsWith($"Cannot load plugin '{Path.GetFullPath(path)}': ", e.Message);
        AssertHostStillWorks();
        return e;
    }

    private void AssertHostStillWorks()
    {
        Assert.Equal(["activations"], _host.Plugins.Select(p => p.Name));
        Assert.Equal(ActivationOps, _host.Ops.List().Select(o => o.Name));
        Assert.Equal(0.7310585786300049, _host.Ops.Invoke("silu", Tensor.Scalar(1.0, DType.Float64)).Item(), 15);
    }

    [Fact]
    public void AFileThatIsNotADotNetAssembly()
    {
        using var folder = PluginFiles.TempFolder();
        string text = folder.File("notes.dll");
        File.WriteAllText(text, "These are release notes, not a plugin.");
        var e = LoadFails(text, PluginLoadFailure.NotAnAssembly);
        Assert.Contains("it is not a .NET assembly", e.Reason);
        Assert.Contains("<EnableDynamicLoading>true</EnableDynamicLoading>", e.Reason);
        // A native library, the runtime's own (an ELF or Mach-O file, or a PE file without .NET metadata on Windows), is refused too.
        string native = Directory.GetFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!)
            .First(f => Path.GetFileName(f) is "libcoreclr.so" or "libcoreclr.dylib" or "coreclr.dll");
        string copy = folder.File("native.dll");
        File.Copy(native, copy);
        Assert.Matches("not a .NET assembly|native binary without .NET metadata", LoadFails(copy, PluginLoadFailure.NotAnAssembly).Reason);
    }

    [Fact]
    public void AFileThatDoesNotExist()
    {
        var e = LoadFails(Path.Combine(PluginFiles.Folder, "Missing", "Missing.dll"), PluginLoadFailure.FileNotFound);
        Assert.Equal("the file does not exist.", e.Reason);
    }

    [Fact]
    public void AFolderInsteadOfAFile_SaysSoAndPointsToLoadFolder()
    {
        var e = LoadFails(PluginFiles.Folder, PluginLoadFailure.FileNotFound);
        Assert.StartsWith("this is a folder, not a plugin assembly", e.Reason);
        Assert.Contains("LoadFolder", e.Reason);
    }

    [Fact]
    public void APluginThatNeedsANewerMiniTorch()
    {
        var e = LoadFails(PluginFiles.Path("FuturePlugin"), PluginLoadFailure.IncompatibleMiniTorchVersion);
        Assert.Equal(
            $"plugin 'future' 2.0.0 supports MiniTorch [99.0.0, ), but this host runs MiniTorch {VersionRange.Format(PluginHost.MiniTorchVersion)}. " +
            $"Use a version of the plugin made for MiniTorch {VersionRange.Format(PluginHost.MiniTorchVersion)}, or run it with a MiniTorch in [99.0.0, ).",
            e.Reason);
        // Refused from its metadata: its constructor, which throws, never ran.
        Assert.Null(e.InnerException);
    }

    [Fact]
    public void TwoPluginsRegisteringTheSameOpName()
    {
        var e = LoadFails(PluginFiles.Path("ConflictingPlugin"), PluginLoadFailure.DuplicateName);
        Assert.Equal(
            $"plugin 'conflicting' registers op 'swish', which plugin activations 1.0.0 ({PluginFiles.Activations}) already provides. " +
            "Op names are shared by every plugin of a host: rename one of the ops, or unload 'activations' first.",
            e.Reason);
        // All or nothing: its other op, double_it, was not registered either.
        Assert.False(_host.Ops.Contains("double_it"));
        // Once the other plugin is gone it loads, and its "swish" is its own.
        _host.Unload("activations");
        _host.Load(PluginFiles.Path("ConflictingPlugin"));
        Assert.Equal("conflicting", _host.Ops.Get("swish").Plugin.Name);
        Assert.Equal([1.0, 2.0], _host.Ops.Invoke("swish", Tensor.FromArray(new double[] { 2, 4 })).ToDoubleArray());
    }

    [Fact]
    public void APluginWhoseConstructorThrows()
    {
        var e = LoadFails(PluginFiles.Path("ThrowingPlugin"), PluginLoadFailure.ConstructorFailed);
        Assert.Equal("the constructor of ThrowingPlugin.ThrowingPlugin threw InvalidOperationException: the kernel cache directory is not configured", e.Reason);
        Assert.IsType<InvalidOperationException>(e.InnerException);
    }

    [Fact]
    public void APluginThatRegistersAnInconsistentOp()
    {
        var e = LoadFails(PluginFiles.Path("InvalidDefinitionPlugin"), PluginLoadFailure.RegistrationFailed);
        Assert.Equal("InvalidDefinitionPlugin.InvalidDefinitionPlugin.Register threw ArgumentException: Op 'negate': has no samples; validation needs at least one, e.g. Samples = [new OpSample([4, 5])]. (Parameter 'op')", e.Reason);
    }

    [Fact]
    public void AnOpWhoseBackwardReturnsAWronglyShapedGradient()
    {
        var e = LoadFails(PluginFiles.Path("WrongShapePlugin"), PluginLoadFailure.ValidationFailed);
        Assert.StartsWith("plugin 'wrong-shape' failed validation, so nothing of it was registered.", e.Reason);
        Assert.Contains(
            "op 'row_scale' sample 0 (inputs [3, 4]): GradientShapes FAILED: backward returned a gradient the engine rejects: Function RowScaleBackward returned an invalid gradient at index 0 - got [4] but expected shape compatible with [3, 4].",
            e.Reason);
        var failed = e.Validation!.Failures.Select(f => f.Test).ToArray();
        Assert.Contains(OpCheckTest.GradientShapes, failed);
        Assert.DoesNotContain(OpCheckTest.Forward, failed);
        Assert.DoesNotContain(OpCheckTest.NoGrad, failed);
        Assert.False(_host.Ops.Contains("row_scale"));
    }

    [Fact]
    public void AnOpThatFailsGradCheck()
    {
        var e = LoadFails(PluginFiles.Path("WrongGradientPlugin"), PluginLoadFailure.ValidationFailed);
        var failure = Assert.Single(e.Validation!.Failures);
        Assert.Equal(OpCheckTest.GradCheck, failure.Test);
        Assert.Equal("op 'cube'", failure.Target);
        Assert.Contains("Jacobian mismatch for output 0 with respect to input 0", failure.Failure);
        Assert.Contains("op 'cube' sample 0 (inputs [2, 3]): GradCheck FAILED: Jacobian mismatch", e.Reason);
        Assert.Contains("RequireValidation = false", e.Reason);
        Assert.False(_host.Ops.Contains("cube"));
    }

    [Fact]
    public void WithoutRequiredValidationABrokenOpLoadsAndOpCheckFindsItLater()
    {
        var plugin = _host.Load(PluginFiles.Path("WrongGradientPlugin"), new PluginLoadOptions { RequireValidation = false });
        Assert.Null(plugin.Validation);
        Assert.Equal([8.0], _host.Ops.Invoke("cube", Tensor.FromArray(new double[] { 2 })).ToDoubleArray());
        var report = PluginValidator.Validate(_host, "wrong-gradient");
        Assert.Equal([OpCheckTest.GradCheck], report.Failures.Select(f => f.Test));
    }

    [Fact]
    public void APluginThatShipsItsOwnCopyOfMiniTorch()
    {
        string path = PluginFiles.Path("BundledCorePlugin");
        var e = LoadFails(path, PluginLoadFailure.BundledMiniTorch);
        string folder = Path.GetDirectoryName(path)!;
        Assert.StartsWith($"it ships its own copy of MiniTorch ({Path.Combine(folder, "MiniTorch.dll")}, {Path.Combine(folder, "MiniTorch.NN.dll")}, {Path.Combine(folder, "MiniTorch.Plugins.dll")}).", e.Reason);
        Assert.Contains("a different type identity", e.Reason);
        Assert.Contains("<Private>false</Private>", e.Reason);
        Assert.Contains("<ExcludeAssets>runtime</ExcludeAssets>", e.Reason);
    }

    [Fact]
    public void APluginWhoseContractTypesAreItsOwnCopies()
    {
        string path = PluginFiles.Path("ForeignContractPlugin");
        var e = LoadFails(path, PluginLoadFailure.TypeIdentityMismatch);
        Assert.Contains($"ForeignContractPlugin.ForeignContractPlugin uses MiniTorch.Plugins.MiniTorchPluginAttribute from ForeignContractPlugin 1.0.0.0 ({path}, load context 'MiniTorch plugin ForeignContractPlugin.dll')", e.Reason);
        Assert.Contains($"but the host's MiniTorch.Plugins.MiniTorchPluginAttribute comes from MiniTorch.Plugins 0.1.0.0 ({typeof(PluginHost).Assembly.Location}, load context 'Default')", e.Reason);
        Assert.Contains("two different types that only share a name", e.Reason);
    }

    [Fact]
    public void MiniTorchItselfIsNotAPlugin()
    {
        var e = LoadFails(typeof(Tensor).Assembly.Location, PluginLoadFailure.NoPluginClass);
        Assert.Equal("it is MiniTorch's own assembly MiniTorch, not a plugin.", e.Reason);
    }

    [Fact]
    public void AnAssemblyWithoutAPluginClass()
    {
        var e = LoadFails(Path.Combine(Path.GetDirectoryName(PluginFiles.Path("DependentPlugin"))!, "PluginMath.dll"), PluginLoadFailure.NoPluginClass);
        Assert.Equal("it has no class marked [MiniTorchPlugin(name, version, miniTorchVersions)]. Is this a library the plugin uses rather than the plugin itself?", e.Reason);
    }

    [Fact]
    public void TheSameFileOrPluginNameTwice()
    {
        var e = LoadFails(PluginFiles.Activations, PluginLoadFailure.AlreadyLoaded);
        Assert.Equal("it is already loaded as plugin 'activations'.", e.Reason);
        using var folder = PluginFiles.TempFolder();
        PluginFiles.CopyPlugin("ActivationsPlugin", folder.Path);
        string copy = Path.Combine(folder.Path, "ActivationsPlugin", "ActivationsPlugin.dll");
        var byName = LoadFails(copy, PluginLoadFailure.AlreadyLoaded);
        Assert.Equal($"a plugin named 'activations' is already loaded from '{PluginFiles.Activations}'; unload it first, or give this plugin another name.", byName.Reason);
    }
}
