using System.Diagnostics;
using System.Globalization;
using MiniTorch.NN;
using MiniTorch.Optim;

namespace MiniTorch.Training.Tests;

/// <summary>A save killed midway leaves the previous checkpoint intact, and the next save removes its leftovers.</summary>
public sealed class CheckpointKillTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minitorch-ckpt-kill-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string StagingRoot(string path) => Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".checkpoint-staging");

    private static long LeftoverBytes(string root) =>
        Directory.Exists(root) ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

    [Fact]
    public void TheNextSaveRemovesWhatAKilledSaveLeftBehind()
    {
        string path = Path.Combine(_dir, "run.safetensors");
        string root = StagingRoot(path);
        string helper = Path.Combine(AppContext.BaseDirectory, "CheckpointSaveLoop.dll");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

        // Kill the child at growing delays after it announces a save, until one kill lands inside a save after its
        // partial file has bytes (a kill before the first write leaves only the empty staging directory).
        bool leftSomething = false;
        for (int attempt = 0; attempt < 24 && !leftSomething; attempt++)
        {
            var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(helper);
            start.ArgumentList.Add(path);
            using var child = Process.Start(start)!;
            Assert.Equal("saving", child.StandardOutput.ReadLine());
            Assert.Equal("saved", child.StandardOutput.ReadLine());
            Assert.Equal("saving", child.StandardOutput.ReadLine());
            Thread.Sleep(attempt % 8 * 3);
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            leftSomething = Directory.Exists(root) && Directory.EnumerateDirectories(root).Any() && LeftoverBytes(root) > 0;
        }
        Assert.True(leftSomething, "no kill landed inside a save, after its first write, in 24 attempts");
        Assert.True(LeftoverBytes(root) > 0, "the killed save left its partial file in its staging directory");

        // The killed save did not touch the committed checkpoint.
        var (tensors, metadata) = Safetensors.LoadWithMetadata(path);
        Assert.Equal([2048, 2048], tensors["model/weight"].Shape);
        Assert.Contains("minitorch.checkpoint", metadata.Keys);

        var model = new Linear(2, 2);
        Checkpoint.Save(path, model, new Sgd(model.Parameters(), lr: 0.1), null, 0);
        Assert.False(Directory.Exists(root), $"the staging directory still holds {LeftoverBytes(root)} bytes after the next save");
        Assert.Equal([2, 2], Safetensors.Load(path)["model/weight"].Shape);
    }

    [Fact]
    public void StagingDirectoriesOfLiveProcessesAndForeignFilesAreKept()
    {
        string path = Path.Combine(_dir, "run.safetensors");
        string root = StagingRoot(path);
        using var self = Process.GetCurrentProcess();
        string live = Path.Combine(root, string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessId}-{self.StartTime.ToUniversalTime().Ticks}-{Guid.NewGuid():N}"));
        string dead = Path.Combine(root, string.Create(CultureInfo.InvariantCulture, $"{int.MaxValue - 7}-1-{Guid.NewGuid():N}"));
        string foreign = Path.Combine(root, "not-ours");
        foreach (string d in new[] { live, dead, foreign })
        {
            Directory.CreateDirectory(d);
            File.WriteAllText(Path.Combine(d, "x.tmp"), "partial");
        }

        var model = new Linear(2, 2);
        Checkpoint.Save(path, model, new Sgd(model.Parameters(), lr: 0.1), null, 0);

        Assert.True(Directory.Exists(live), "a save under way in a live process must not be disturbed");
        Assert.False(Directory.Exists(dead), "a dead process's staging directory must be removed");
        Assert.True(Directory.Exists(foreign), "a directory whose name is not ours must be left alone");
    }
}
