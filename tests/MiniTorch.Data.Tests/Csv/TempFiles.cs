using System.IO.Compression;
using System.Text;

namespace MiniTorch.Data.Tests.Csv;

/// <summary>A temporary directory for small test files, deleted when the test ends.</summary>
public sealed class TempFiles : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minitorch-data-").FullName;

    /// <summary>Writes <paramref name="text"/> (UTF-8, no byte order mark) to a new file and returns its path.</summary>
    public string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));
        return path;
    }

    /// <summary>Writes raw bytes to a new file and returns its path.</summary>
    public string WriteBytes(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Writes <paramref name="text"/> gzip-compressed and returns its path.</summary>
    public string WriteGzip(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        gzip.Write(Encoding.UTF8.GetBytes(text));
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
