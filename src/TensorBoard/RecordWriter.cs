using System.Buffers.Binary;

namespace MiniTorch.TensorBoard;

/// <summary>
/// TFRecord framing, the container of TensorBoard's event files: each record is its length (uint64, little-endian),
/// the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
/// </summary>
internal static class RecordWriter
{
    /// <summary>The bytes a record adds around its data.</summary>
    public const int Overhead = 8 + 4 + 4;

    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        stream.Write(header);
        stream.Write(data);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        stream.Write(footer);
    }
}
