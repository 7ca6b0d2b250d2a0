using System.Runtime.CompilerServices;

namespace MiniTorch.Plugins.Tests.Support;

/// <summary>
/// The plugins the test project builds and copies to plugins/&lt;Name&gt;/ next to the tests
/// (src/Plugins/build/MiniTorch.Plugins.targets): the sample plugin and the broken ones of tests/Plugins.
/// </summary>
internal static class PluginFiles
{
    public static string Folder => System.IO.Path.Combine(AppContext.BaseDirectory, "plugins");

    public static string Activations => Path("ActivationsPlugin");

    public static string Path(string name)
    {
        string file = System.IO.Path.Combine(Folder, name, name + ".dll");
        Assert.True(File.Exists(file), $"{file} was not built; the test project's build copies every plugin project there.");
        return file;
    }

    /// <summary>A fresh folder under the system temp directory, deleted when disposed.</summary>
    public static TempFolder TempFolder() => new();

    /// <summary>Copies the build output of plugin <paramref name="name"/> into <paramref name="folder"/>/<paramref name="name"/>/.</summary>
    public static void CopyPlugin(string name, string folder)
    {
        string source = System.IO.Path.GetDirectoryName(Path(name))!;
        string target = Directory.CreateDirectory(System.IO.Path.Combine(folder, name)).FullName;
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
        }
    }

    /// <summary>
    /// Collects garbage until the weak reference dies, or gives up after a number of rounds. The load context of an
    /// unloaded plugin is freed only when nothing refers to its code, which can take more than one collection.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool WaitUntilCollected(WeakReference reference)
    {
        for (int i = 0; i < 20 && reference.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return !reference.IsAlive;
    }
}

/// <summary>A temporary folder for one test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "minitorch-plugins-" + Guid.NewGuid().ToString("N"))).FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A plugin file may still be mapped while its load context is being collected; the OS temp cleanup removes it later.
        }
    }
}
