using System.Buffers.Binary;
using Tensorboard;

namespace MiniTorch.TensorBoard.Tests;

/// <summary>Reads an event file back record by record, checking the framing and both CRCs of every record.</summary>
internal static class EventFileReader
{
    public static List<Event> ReadAll(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        int offset = 0;
        while (offset < bytes.Length)
        {
            Assert.True(bytes.Length - offset >= 12, $"{path}: truncated record header at byte {offset}");
            var lengthBytes = bytes.AsSpan(offset, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8, 4));
            Assert.Equal(Crc32C.Masked(lengthBytes), lengthCrc);
            Assert.True((ulong)(bytes.Length - offset - 16) >= length, $"{path}: record at byte {offset} runs past the end");
            var data = bytes.AsSpan(offset + 12, (int)length);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 12 + (int)length, 4));
            Assert.Equal(Crc32C.Masked(data), dataCrc);
            events.Add(Event.Parser.ParseFrom(data));
            offset += 16 + (int)length;
        }
        return events;
    }

    public static string SingleEventFile(string dir)
    {
        var files = Directory.GetFiles(dir, "events.out.tfevents.*");
        Assert.Single(files);
        return files[0];
    }
}
