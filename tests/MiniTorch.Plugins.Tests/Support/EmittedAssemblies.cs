using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace MiniTorch.Plugins.Tests.Support;

/// <summary>
/// Small assemblies written by the tests for the load failures no real project would build: a plugin compiled
/// against a newer MiniTorch, one whose metadata or plugin class is wrong. Written to disk, then loaded like any plugin.
/// </summary>
internal static class EmittedAssemblies
{
    /// <summary>An assembly with no code that only references <paramref name="references"/>, as if compiled against them.</summary>
    public static string WithReferences(string folder, string name, params (string Name, Version Version)[] references)
    {
        var metadata = new MetadataBuilder();
        metadata.AddModule(0, metadata.GetOrAddString(name + ".dll"), metadata.GetOrAddGuid(Guid.NewGuid()), default, default);
        metadata.AddAssembly(metadata.GetOrAddString(name), new Version(1, 0, 0, 0), default, default, default, AssemblyHashAlgorithm.Sha1);
        foreach (var (reference, version) in references)
        {
            metadata.AddAssemblyReference(metadata.GetOrAddString(reference), version, default, default, default, default);
        }
        metadata.AddTypeDefinition(default, default, metadata.GetOrAddString("<Module>"), default, MetadataTokens.FieldDefinitionHandle(1), MetadataTokens.MethodDefinitionHandle(1));
        var pe = new ManagedPEBuilder(PEHeaderBuilder.CreateLibraryHeader(), new MetadataRootBuilder(metadata), new BlobBuilder());
        var blob = new BlobBuilder();
        pe.Serialize(blob);
        string path = Path.Combine(folder, name + ".dll");
        File.WriteAllBytes(path, blob.ToArray());
        return path;
    }

    /// <summary>A plugin class to emit: its name, its attribute arguments (null for none) and how it is broken.</summary>
    public sealed record PluginClass(string Name, string[]? Attribute, bool ImplementsInterface = true, bool ParameterlessConstructor = true);

    /// <summary>
    /// An assembly of plugin classes whose <see cref="IMiniTorchPlugin.Register"/> does nothing, compiled against the
    /// host's MiniTorch.Plugins.
    /// </summary>
    public static string WithPluginClasses(string folder, string name, params PluginClass[] classes)
    {
        var assembly = new PersistedAssemblyBuilder(new AssemblyName(name) { Version = new Version(1, 0, 0, 0) }, typeof(object).Assembly);
        var module = assembly.DefineDynamicModule(name);
        foreach (var c in classes)
        {
            var type = module.DefineType(c.Name, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class);
            if (c.Attribute is { } args)
            {
                var constructor = typeof(MiniTorchPluginAttribute).GetConstructor([typeof(string), typeof(string), typeof(string)])!;
                type.SetCustomAttribute(new CustomAttributeBuilder(constructor, args.Cast<object>().ToArray()));
            }
            var ctor = type.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, c.ParameterlessConstructor ? Type.EmptyTypes : [typeof(int)]);
            var il = ctor.GetILGenerator();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Call, typeof(object).GetConstructor(Type.EmptyTypes)!);
            il.Emit(OpCodes.Ret);
            if (c.ImplementsInterface)
            {
                type.AddInterfaceImplementation(typeof(IMiniTorchPlugin));
                var register = type.DefineMethod(nameof(IMiniTorchPlugin.Register), MethodAttributes.Public | MethodAttributes.Virtual | MethodAttributes.Final | MethodAttributes.HideBySig | MethodAttributes.NewSlot, typeof(void), [typeof(PluginRegistrar)]);
                register.GetILGenerator().Emit(OpCodes.Ret);
                type.DefineMethodOverride(register, typeof(IMiniTorchPlugin).GetMethod(nameof(IMiniTorchPlugin.Register))!);
            }
            type.CreateType();
        }
        string path = Path.Combine(folder, name + ".dll");
        assembly.Save(path);
        return path;
    }
}
