using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace MiniTorch.Plugins;

/// <summary>An assembly's name, version and references, read from its metadata.</summary>
internal sealed record AssemblyFacts(string Name, Version Version, IReadOnlyList<AssemblyName> References);

/// <summary>
/// Reads a file's .NET metadata without loading it, so a file that is not an assembly, or one built against a newer
/// MiniTorch, is refused with a precise reason before the runtime sees it.
/// </summary>
internal static class AssemblyInspector
{
    public static AssemblyFacts Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                throw NotAnAssembly(path, "it is a native binary without .NET metadata (a C or C++ library?)");
            }
            var metadata = pe.GetMetadataReader();
            if (!metadata.IsAssembly)
            {
                throw NotAnAssembly(path, "it is a .NET module without an assembly manifest");
            }
            var definition = metadata.GetAssemblyDefinition();
            var references = new List<AssemblyName>();
            foreach (var handle in metadata.AssemblyReferences)
            {
                var reference = metadata.GetAssemblyReference(handle);
                references.Add(new AssemblyName { Name = metadata.GetString(reference.Name), Version = reference.Version });
            }
            return new AssemblyFacts(metadata.GetString(definition.Name), definition.Version, references);
        }
        catch (BadImageFormatException e)
        {
            throw NotAnAssembly(path, $"it is not a .NET assembly ({e.Message})");
        }
    }

    private static PluginLoadException NotAnAssembly(string path, string what) =>
        new(path, PluginLoadFailure.NotAnAssembly, $"{what}. A plugin is the .dll that a .NET class library with <EnableDynamicLoading>true</EnableDynamicLoading> builds to.");
}
