namespace MiniTorch.Examples.Tests;

/// <summary>A fresh directory under the system temp folder for one test's output, deleted afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the directory, named after <paramref name="prefix"/> and a random suffix.</summary>
    public TempDirectory(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

/// <summary>Checks on the files the examples write.</summary>
public static class OutputFiles
{
    /// <summary>Asserts that <paramref name="path"/> is a PNG with a real picture in it (not an empty canvas).</summary>
    public static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"no file at {path}");
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        // An 800×500 plot with axes, text and curves compresses to tens of kilobytes; a blank one to a few.
        Assert.True(bytes.Length > 10_000, $"{path} has only {bytes.Length} bytes");
    }
}
