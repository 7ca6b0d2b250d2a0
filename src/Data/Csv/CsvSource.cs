using System.IO.Compression;

namespace MiniTorch.Data;

/// <summary>Opens a CSV file as a byte stream: gzip-decompressed when its name ends in ".gz", past the lines to skip.</summary>
internal static class CsvSource
{
    /// <summary>Whether <paramref name="path"/> names a gzip file, by its extension.</summary>
    public static bool IsGzip(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A stream over the (decompressed) bytes of <paramref name="path"/>, positioned after <paramref name="skipLines"/>
    /// lines. The caller disposes it, which closes the file.
    /// </summary>
    /// <exception cref="DataFormatException">The file has fewer lines than are to be skipped.</exception>
    public static Stream Open(string path, int skipLines)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        Stream stream = IsGzip(path) ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            for (int line = 0; line < skipLines; line++)
            {
                int b;
                // Byte by byte: the skipped lines are few and short, and the rest must stay unread for CsvHelper.
                while ((b = stream.ReadByte()) != '\n')
                {
                    if (b < 0)
                    {
                        throw new DataFormatException(path, 0, 0, -1, null,
                            $"the file has {line} line(s) but SkipLines = {skipLines} lines were to be skipped before the data.");
                    }
                }
            }
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}
