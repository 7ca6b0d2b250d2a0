using System.Reflection;

namespace MiniTorch.Plugins;

/// <summary>
/// Finds the one class of a plugin assembly marked <see cref="MiniTorchPluginAttribute"/>. The attribute and the
/// interface are matched by name first and by identity second, so that a plugin whose MiniTorch types are not the
/// host's (same names, other assembly or load context) is explained, not reported as "no plugin found".
/// </summary>
internal static class PluginClassFinder
{
    public static (Type Type, CustomAttributeData Attribute) Find(string path, Assembly assembly)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            var reasons = e.LoaderExceptions.Where(x => x is not null).Select(x => x!.Message).Distinct().Take(3);
            throw new PluginLoadException(path, PluginLoadFailure.MissingDependency, $"some of its types cannot be loaded: {string.Join(" ", reasons)} Ship the assemblies it needs next to it (its build output folder, with its .deps.json).", e);
        }
        var found = new List<(Type, CustomAttributeData)>();
        foreach (var type in types)
        {
            foreach (var attribute in AttributesOf(path, type))
            {
                if (attribute.AttributeType.FullName != typeof(MiniTorchPluginAttribute).FullName)
                {
                    continue;
                }
                if (attribute.AttributeType != typeof(MiniTorchPluginAttribute))
                {
                    throw Mismatch(path, type, attribute.AttributeType, typeof(MiniTorchPluginAttribute));
                }
                found.Add((type, attribute));
            }
        }
        if (found.Count == 0)
        {
            var unmarked = types.FirstOrDefault(t => t.IsClass && typeof(IMiniTorchPlugin).IsAssignableFrom(t));
            string hint = unmarked is null
                ? "Is this a library the plugin uses rather than the plugin itself?"
                : $"{unmarked.FullName} implements IMiniTorchPlugin but is not marked; add the attribute to it.";
            throw new PluginLoadException(path, PluginLoadFailure.NoPluginClass, $"it has no class marked [MiniTorchPlugin(name, version, miniTorchVersions)]. {hint}");
        }
        if (found.Count > 1)
        {
            throw new PluginLoadException(path, PluginLoadFailure.MultiplePluginClasses,
                $"it has {found.Count} classes marked [MiniTorchPlugin] ({string.Join(", ", found.Select(f => f.Item1.FullName))}); a plugin assembly has exactly one, which registers everything.");
        }
        var (pluginType, pluginAttribute) = found[0];
        if (!typeof(IMiniTorchPlugin).IsAssignableFrom(pluginType))
        {
            var lookalike = pluginType.GetInterfaces().FirstOrDefault(i => i.FullName == typeof(IMiniTorchPlugin).FullName);
            if (lookalike is not null)
            {
                throw Mismatch(path, pluginType, lookalike, typeof(IMiniTorchPlugin));
            }
            throw new PluginLoadException(path, PluginLoadFailure.InvalidPluginClass, $"{pluginType.FullName} is marked [MiniTorchPlugin] but does not implement IMiniTorchPlugin.");
        }
        if (pluginType.IsAbstract || pluginType.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new PluginLoadException(path, PluginLoadFailure.InvalidPluginClass, $"{pluginType.FullName} must be a non-abstract class with a public parameterless constructor; the host creates it with new().");
        }
        return (pluginType, pluginAttribute);
    }

    private static IList<CustomAttributeData> AttributesOf(string path, Type type)
    {
        try
        {
            return type.GetCustomAttributesData();
        }
        catch (FileNotFoundException e)
        {
            throw new PluginLoadException(path, PluginLoadFailure.MissingDependency, $"the attributes of {type.FullName} need an assembly that is not there: {e.Message}", e);
        }
    }

    /// <summary>The type-identity trap, explained: what the plugin's type is, where it came from, and how to fix the plugin.</summary>
    private static PluginLoadException Mismatch(string path, Type pluginType, Type theirs, Type ours) => new(path, PluginLoadFailure.TypeIdentityMismatch,
        $"its MiniTorch types are not the host's. {pluginType.FullName} uses {theirs.FullName} from {SharedAssemblies.Describe(theirs.Assembly)}, " +
        $"but the host's {ours.FullName} comes from {SharedAssemblies.Describe(ours.Assembly)}. .NET identifies a type by its name together " +
        "with the assembly and load context it was loaded from, so these are two different types that only share a name: the plugin's classes, " +
        "tensors and functions would silently fail to match the host's. The plugin carries its own copy of MiniTorch (its sources compiled in, " +
        "an assembly merged in, or a copy it loads itself). Build the plugin against MiniTorch's assemblies, referenced with <Private>false</Private> and " +
        "<ExcludeAssets>runtime</ExcludeAssets>, and compile nothing of MiniTorch into it.");
}
