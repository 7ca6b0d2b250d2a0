using System.Reflection;
using System.Runtime.Loader;

namespace MiniTorch.Plugins;

/// <summary>
/// MiniTorch's own assemblies, which every plugin must share with the host. A type's identity in .NET is its name
/// plus the assembly and load context it came from: if a plugin loaded its own MiniTorch.dll, its
/// <see cref="Tensor"/> and <see cref="IMiniTorchPlugin"/> would be different types from the host's with the same
/// names, and nothing would match.
/// </summary>
internal static class SharedAssemblies
{
    /// <summary>
    /// The assembly names of MiniTorch's layers (docs/design.md's table, the later layers included). A fixed list rather than a "MiniTorch.*" prefix, so that a plugin may
    /// name its own assemblies MiniTorch.Something and still have them loaded from its folder.
    /// </summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "MiniTorch", "MiniTorch.NN", "MiniTorch.Optim", "MiniTorch.Data", "MiniTorch.Plugins", "MiniTorch.Onnx",
        "MiniTorch.Distributed", "MiniTorch.TensorBoard",
    };

    /// <summary>The load context the host's MiniTorch lives in: the default one for an application, another if the host itself was loaded as a plugin.</summary>
    public static AssemblyLoadContext HostContext => AssemblyLoadContext.GetLoadContext(typeof(Tensor).Assembly) ?? AssemblyLoadContext.Default;

    public static bool IsShared(string? name) => name is not null && Names.Contains(name);

    /// <summary>
    /// The host's copy of a shared assembly, for a plugin context's Load. Null (the documented "ask the default
    /// context") when the host is the default context; otherwise the host's context is asked explicitly, because the
    /// default context might not have MiniTorch at all, or have another copy.
    /// </summary>
    public static Assembly? ResolveForPlugin(AssemblyName name) =>
        HostContext == AssemblyLoadContext.Default ? null : HostContext.LoadFromAssemblyName(name);

    /// <summary>The host's copy of a shared assembly (loading it into the host if needed), or null if the host does not have it.</summary>
    public static Assembly? HostAssembly(string name)
    {
        var context = HostContext;
        var loaded = context.Assemblies.FirstOrDefault(a => string.Equals(a.GetName().Name, name, StringComparison.OrdinalIgnoreCase));
        if (loaded is not null)
        {
            return loaded;
        }
        try
        {
            return context.LoadFromAssemblyName(new AssemblyName(name));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>An assembly as messages describe it: its name, version, file and load context.</summary>
    public static string Describe(Assembly assembly)
    {
        var name = assembly.GetName();
        string location = string.IsNullOrEmpty(assembly.Location) ? "loaded from memory" : assembly.Location;
        string context = AssemblyLoadContext.GetLoadContext(assembly)?.Name ?? "unknown";
        return $"{name.Name} {name.Version} ({location}, load context '{context}')";
    }
}
