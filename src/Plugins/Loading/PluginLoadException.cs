namespace MiniTorch.Plugins;

/// <summary>Why a plugin could not be loaded; <see cref="PluginLoadException.Failure"/> holds one of these.</summary>
public enum PluginLoadFailure
{
    /// <summary>The file (or folder) does not exist.</summary>
    FileNotFound,

    /// <summary>The file is not a .NET assembly (a text file, a native library, a damaged file).</summary>
    NotAnAssembly,

    /// <summary>The same file, or a plugin of the same name, is already loaded in this host.</summary>
    AlreadyLoaded,

    /// <summary>The plugin ships its own copy of MiniTorch's assemblies next to it.</summary>
    BundledMiniTorch,

    /// <summary>The plugin's MiniTorch types are not the host's: same names, different types.</summary>
    TypeIdentityMismatch,

    /// <summary>The plugin needs another MiniTorch version than the host's (declared, or the one it was built against).</summary>
    IncompatibleMiniTorchVersion,

    /// <summary>The assembly has no class marked <see cref="MiniTorchPluginAttribute"/>.</summary>
    NoPluginClass,

    /// <summary>The assembly has more than one class marked <see cref="MiniTorchPluginAttribute"/>.</summary>
    MultiplePluginClasses,

    /// <summary>The plugin class does not implement <see cref="IMiniTorchPlugin"/>, is abstract or has no public parameterless constructor.</summary>
    InvalidPluginClass,

    /// <summary>The plugin's name, version or MiniTorch version range is not valid.</summary>
    InvalidMetadata,

    /// <summary>An assembly the plugin needs is neither next to it nor provided by the host.</summary>
    MissingDependency,

    /// <summary>The plugin class's constructor threw.</summary>
    ConstructorFailed,

    /// <summary>The plugin's <see cref="IMiniTorchPlugin.Register"/> threw, or registered an inconsistent definition.</summary>
    RegistrationFailed,

    /// <summary>An op or module name the plugin registers is already provided by another loaded plugin.</summary>
    DuplicateName,

    /// <summary>Validation was required and an op or module failed a check.</summary>
    ValidationFailed,
}

/// <summary>
/// Thrown when a plugin cannot be loaded. The message names the file and the reason, and says what to do; the
/// host is left as it was (nothing of the plugin is registered and its load context is unloaded).
/// </summary>
public class PluginLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PluginLoadException(string filePath, PluginLoadFailure failure, string reason, Exception? inner = null, OpCheckReport? validation = null)
        : base($"Cannot load plugin '{filePath}': {reason}", inner)
    {
        FilePath = filePath;
        Failure = failure;
        Reason = reason;
        Validation = validation;
    }

    /// <summary>The plugin file that failed to load (full path).</summary>
    public string FilePath { get; }

    /// <summary>What kind of failure it was.</summary>
    public PluginLoadFailure Failure { get; }

    /// <summary>The reason, without the file name.</summary>
    public string Reason { get; }

    /// <summary>The validation report, for <see cref="PluginLoadFailure.ValidationFailed"/>.</summary>
    public OpCheckReport? Validation { get; }
}
