using System.Globalization;
using Google.Protobuf;
using Tensorboard;

namespace MiniTorch.TensorBoard;

/// <summary>
/// One <c>events.out.tfevents.&lt;time&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;n&gt;</c> file (the naming of TensorBoard's own
/// EventFileWriter): a first event with <c>file_version = "brain.Event:2"</c>, then one TFRecord per event.
/// </summary>
internal sealed class EventFileWriter : IDisposable
{
    private static int s_counter;
    private readonly FileStream _stream;
    private readonly object _lock = new();
    private readonly TimeSpan _flushInterval;
    private long _lastFlushTicks;

    public EventFileWriter(string logDir, TimeSpan flushInterval)
    {
        Directory.CreateDirectory(logDir);
        _flushInterval = flushInterval;
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string name = string.Create(CultureInfo.InvariantCulture,
            $"events.out.tfevents.{now:D10}.{Environment.MachineName}.{Environment.ProcessId}.{Interlocked.Increment(ref s_counter)}");
        FilePath = Path.Combine(logDir, name);
        _stream = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
        _lastFlushTicks = Environment.TickCount64;
        Write(new Event { WallTime = WallTime(), FileVersion = "brain.Event:2" });
        Flush();
    }

    public string FilePath { get; }

    /// <summary>Seconds since the Unix epoch, as TensorBoard's <c>wall_time</c>.</summary>
    public static double WallTime() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    public void Write(Event e)
    {
        byte[] data = e.ToByteArray();
        lock (_lock)
        {
            RecordWriter.Write(_stream, data);
            if (Environment.TickCount64 - _lastFlushTicks >= _flushInterval.TotalMilliseconds)
            {
                FlushLocked();
            }
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            FlushLocked();
        }
    }

    private void FlushLocked()
    {
        _stream.Flush();
        _lastFlushTicks = Environment.TickCount64;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stream.Dispose();
        }
    }
}
