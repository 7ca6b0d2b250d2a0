using System.Reflection;
using System.Runtime.Loader;

namespace MiniTorch.Plugins;

/// <summary>A plugin that passed every check up to registration, not yet visible in the host.</summary>
internal sealed record PreparedPlugin(
    string FilePath, string Name, Version Version, VersionRange SupportedVersions, PluginLoadContext Context,
    IReadOnlyList<OpDefinition> Ops, IReadOnlyList<ModuleDefinition> Modules);

/// <summary>
/// The steps of loading one plugin file, cheapest and least trusting first: the file's metadata is read before
/// the runtime loads it, the declared MiniTorch range before any plugin code runs, and only then the constructor and
/// <see cref="IMiniTorchPlugin.Register"/>. Each step that fails throws a <see cref="PluginLoadException"/> naming
/// the file and the reason; a load context created on the way is unloaded again.
/// </summary>
internal static class PluginLoader
{
    public static PreparedPlugin Prepare(string path, Func<string, LoadedPlugin?> loadedByName)
    {
        var facts = AssemblyInspector.Read(path);
        if (SharedAssemblies.IsShared(facts.Name))
        {
            throw new PluginLoadException(path, PluginLoadFailure.NoPluginClass, $"it is MiniTorch's own assembly {facts.Name}, not a plugin.");
        }
        AssemblyDependencyResolver resolver;
        try
        {
            resolver = new AssemblyDependencyResolver(path);
        }
        catch (InvalidOperationException e)
        {
            throw new PluginLoadException(path, PluginLoadFailure.MissingDependency, $"its dependencies cannot be read ({e.Message}); check the .deps.json file next to it.", e);
        }
        CheckNoBundledMiniTorch(path, resolver);
        CheckReferencedVersions(path, facts);
        var context = new PluginLoadContext(path, resolver);
        try
        {
            return Register(path, context, loadedByName);
        }
        catch
        {
            context.Unload();
            throw;
        }
    }

    private static PreparedPlugin Register(string path, PluginLoadContext context, Func<string, LoadedPlugin?> loadedByName)
    {
        Assembly assembly;
        try
        {
            assembly = context.LoadFromAssemblyPath(path);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new PluginLoadException(path, PluginLoadFailure.NotAnAssembly, $"the runtime could not load it ({e.Message}).", e);
        }
        var (type, attribute) = PluginClassFinder.Find(path, assembly);
        var (name, version, range) = ReadMetadata(path, type, attribute);
        if (loadedByName(name) is { } existing)
        {
            throw new PluginLoadException(path, PluginLoadFailure.AlreadyLoaded, $"a plugin named '{name}' is already loaded from '{existing.FilePath}'; unload it first, or give this plugin another name.");
        }
        var instance = Construct(path, type);
        var registrar = new PluginRegistrar(name);
        try
        {
            instance.Register(registrar);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new PluginLoadException(path, PluginLoadFailure.RegistrationFailed, $"{type.FullName}.Register threw {e.GetType().Name}: {e.Message}", e);
        }
        if (registrar.Ops.Count == 0 && registrar.Modules.Count == 0)
        {
            throw new PluginLoadException(path, PluginLoadFailure.RegistrationFailed, $"{type.FullName}.Register added no ops and no module types; call registrar.AddOp or registrar.AddModule.");
        }
        return new PreparedPlugin(path, name, version, range, context, registrar.Ops.ToArray(), registrar.Modules.ToArray());
    }

    /// <summary>Refuses a plugin folder that carries MiniTorch's assemblies: they would be a second copy with other type identities.</summary>
    private static void CheckNoBundledMiniTorch(string path, AssemblyDependencyResolver resolver)
    {
        string directory = Path.GetDirectoryName(path)!;
        var copies = new List<string>();
        foreach (string name in SharedAssemblies.Names.Order(StringComparer.Ordinal))
        {
            string? resolved = resolver.ResolveAssemblyToPath(new AssemblyName(name));
            string beside = Path.Combine(directory, name + ".dll");
            foreach (string? candidate in new[] { resolved, File.Exists(beside) ? beside : null })
            {
                // A plugin placed in the application's own folder sits next to the host's MiniTorch: that is not a copy.
                if (candidate is not null && !copies.Contains(candidate) && !IsHostAssembly(name, candidate))
                {
                    copies.Add(candidate);
                }
            }
        }
        if (copies.Count > 0)
        {
            throw new PluginLoadException(path, PluginLoadFailure.BundledMiniTorch,
                $"it ships its own copy of MiniTorch ({string.Join(", ", copies)}). A plugin must use the host's MiniTorch: a second copy " +
                "defines a second Tensor, Function and IMiniTorchPlugin with the same names as the host's but a different type identity, so the " +
                "host would not recognise the plugin's classes and tensors would not pass between them; and a copy of another version was compiled " +
                "against APIs this host may not have. In the plugin's .csproj, reference every MiniTorch project it compiles against (MiniTorch.Plugins and, " +
                "since these settings do not flow to transitive references, MiniTorch.Autograd and MiniTorch.NN too) with <Private>false</Private> and " +
                "<ExcludeAssets>runtime</ExcludeAssets>, rebuild, and delete the MiniTorch*.dll files from the plugin's folder.");
        }
    }

    private static bool IsHostAssembly(string name, string candidate)
    {
        string? location = SharedAssemblies.HostAssembly(name)?.Location;
        return !string.IsNullOrEmpty(location) && string.Equals(Path.GetFullPath(location), Path.GetFullPath(candidate), StringComparison.Ordinal);
    }

    /// <summary>A plugin compiled against a newer MiniTorch may call APIs this host lacks; refuse it before it runs.</summary>
    private static void CheckReferencedVersions(string path, AssemblyFacts facts)
    {
        foreach (var reference in facts.References.Where(r => SharedAssemblies.IsShared(r.Name)))
        {
            var host = SharedAssemblies.HostAssembly(reference.Name!);
            if (host is null)
            {
                throw new PluginLoadException(path, PluginLoadFailure.MissingDependency,
                    $"it uses {reference.Name} {(reference.Version is null ? "" : VersionRange.Format(reference.Version) + ", ")}which this host does not have; add a reference to {reference.Name} to the host application.");
            }
            var hostVersion = host.GetName().Version ?? new Version(0, 0);
            if (reference.Version is { } built && VersionRange.Normalize(built) > VersionRange.Normalize(hostVersion))
            {
                throw new PluginLoadException(path, PluginLoadFailure.IncompatibleMiniTorchVersion,
                    $"it was built against {reference.Name} {VersionRange.Format(built)}, newer than this host's {VersionRange.Format(hostVersion)}. Update the host's MiniTorch, or rebuild the plugin against MiniTorch {VersionRange.Format(hostVersion)}.");
            }
        }
    }

    private static (string Name, Version Version, VersionRange Range) ReadMetadata(string path, Type type, CustomAttributeData attribute)
    {
        string? Argument(int i) => attribute.ConstructorArguments.Count > i ? attribute.ConstructorArguments[i].Value as string : null;
        string? name = Argument(0), versionText = Argument(1), rangeText = Argument(2);
        string where = $"[MiniTorchPlugin] on {type.FullName}";
        if (!Names.IsPluginName(name))
        {
            throw new PluginLoadException(path, PluginLoadFailure.InvalidMetadata, $"{where} has the name '{name}'; use {Names.PluginRule}.");
        }
        if (versionText is null || !VersionRange.TryParseVersion(versionText, out var version, out _))
        {
            throw new PluginLoadException(path, PluginLoadFailure.InvalidMetadata, $"{where} has the version '{versionText}', which is not a version such as 1.2.0.");
        }
        if (rangeText is null)
        {
            throw new PluginLoadException(path, PluginLoadFailure.InvalidMetadata, $"{where} gives no MiniTorch versions; give a range such as '[0.1, 1.0)'.");
        }
        if (!VersionRange.TryParse(rangeText, out var range, out string? rangeError))
        {
            throw new PluginLoadException(path, PluginLoadFailure.InvalidMetadata, $"{where} gives the MiniTorch versions '{rangeText}', which is not a version range: {rangeError}. Use NuGet's notation, e.g. '[0.1, 1.0)'.");
        }
        var host = PluginHost.MiniTorchVersion;
        if (!range.Contains(host))
        {
            throw new PluginLoadException(path, PluginLoadFailure.IncompatibleMiniTorchVersion,
                $"plugin '{name}' {VersionRange.Format(version)} supports MiniTorch {range}, but this host runs MiniTorch {VersionRange.Format(host)}. Use a version of the plugin made for MiniTorch {VersionRange.Format(host)}, or run it with a MiniTorch in {range}.");
        }
        return (name!, version, range);
    }

    private static IMiniTorchPlugin Construct(string path, Type type)
    {
        try
        {
            return (IMiniTorchPlugin)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            throw new PluginLoadException(path, PluginLoadFailure.ConstructorFailed, $"the constructor of {type.FullName} threw {inner.GetType().Name}: {inner.Message}", inner);
        }
    }
}
