using System.Reflection;
using System.Runtime.Loader;

namespace MiniTorch.Plugins;

/// <summary>
/// The load context of one plugin: collectible, so the plugin can be unloaded, and resolving the plugin's own
/// dependencies from its folder through its <c>.deps.json</c> (<see cref="AssemblyDependencyResolver"/>), while
/// MiniTorch's assemblies always come from the host so their types keep one identity.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;

    public PluginLoadContext(string mainAssemblyPath, AssemblyDependencyResolver resolver)
        : base($"MiniTorch plugin {Path.GetFileName(mainAssemblyPath)}", isCollectible: true)
    {
        _resolver = resolver;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (SharedAssemblies.IsShared(assemblyName.Name))
        {
            return SharedAssemblies.ResolveForPlugin(assemblyName);
        }
        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        // Null lets the default context answer: framework assemblies (System.*) are shared by everyone.
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
