using System.Diagnostics;
using System.Globalization;

namespace MiniTorch.Training;

/// <summary>
/// Where a save writes before its file replaces the checkpoint: a directory of its own under
/// <c>.&lt;file&gt;.checkpoint-staging/</c> beside the target (same file system, so the final move is an atomic rename),
/// named <c>&lt;pid&gt;-&lt;process start ticks&gt;-&lt;random&gt;</c>. A save killed midway leaves only that directory, which
/// the next save recognises by name and removes once its owner process is gone, whatever files the writer left in it.
/// </summary>
internal sealed class CheckpointStaging : IDisposable
{
    private const string Suffix = ".checkpoint-staging";

    private CheckpointStaging(string directory, string file)
    {
        Directory = directory;
        File = file;
    }

    /// <summary>This save's own directory.</summary>
    public string Directory { get; }

    /// <summary>The file to write inside <see cref="Directory"/>.</summary>
    public string File { get; }

    /// <summary>The staging root of a checkpoint path: <c>&lt;dir&gt;/.&lt;file&gt;.checkpoint-staging</c>.</summary>
    public static string RootOf(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath) ?? ".", "." + Path.GetFileName(fullPath) + Suffix);

    /// <summary>Removes what earlier saves of <paramref name="fullPath"/> left behind, then makes this save's directory.</summary>
    public static CheckpointStaging Begin(string fullPath)
    {
        string root = RootOf(fullPath);
        RemoveStale(root);
        using var self = Process.GetCurrentProcess();
        string name = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{StartTicks(self)}-{Guid.NewGuid():N}");
        string directory = Path.Combine(root, name);
        System.IO.Directory.CreateDirectory(directory);
        return new CheckpointStaging(directory, Path.Combine(directory, Path.GetFileName(fullPath)));
    }

    /// <summary>Moves the written file over the checkpoint (an atomic rename on one file system).</summary>
    public void Commit(string fullPath) => System.IO.File.Move(File, fullPath, overwrite: true);

    /// <summary>Removes this save's directory and, if no other save is under way, the staging root.</summary>
    public void Dispose()
    {
        TryDelete(Directory);
        try
        {
            string root = Path.GetDirectoryName(Directory)!;
            if (!System.IO.Directory.EnumerateFileSystemEntries(root).Any())
            {
                System.IO.Directory.Delete(root);
            }
        }
        catch (IOException)
        {
            // Another save created its directory meanwhile: the root stays for it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Deletes every staging directory under <paramref name="root"/> whose owner process is no longer running.</summary>
    internal static void RemoveStale(string root)
    {
        if (!System.IO.Directory.Exists(root))
        {
            return;
        }
        foreach (string directory in System.IO.Directory.EnumerateDirectories(root))
        {
            if (!OwnerIsAlive(Path.GetFileName(directory)))
            {
                TryDelete(directory);
            }
        }
        // Stray files (not made by us: we only make directories here) are left alone.
    }

    /// <summary>
    /// Whether the process named by a staging directory still runs. A name that is not ours counts as alive (never
    /// deleted); a pid that now belongs to another process (different start time) counts as dead.
    /// </summary>
    private static bool OwnerIsAlive(string name)
    {
        string[] parts = name.Split('-');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long startTicks)
            || parts[2].Length != 32)
        {
            return true;
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            // Start times are derived from the boot time, which .NET computes afresh per call: allow for its jitter.
            return !process.HasExited && Math.Abs(StartTicks(process) - startTicks) < TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException)
        {
            return false;   // no process with that id
        }
        catch (InvalidOperationException)
        {
            return false;   // it exited while we looked
        }
    }

    private static long StartTicks(Process process)
    {
        try
        {
            return process.StartTime.ToUniversalTime().Ticks;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return 0;
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // Still in use (e.g. on Windows): the next save tries again.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
