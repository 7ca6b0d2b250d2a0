using System.Globalization;
using Google.Protobuf;
using Tensorboard;

namespace MiniTorch.TensorBoard;

/// <summary>
/// Writes a training run's scalars, histograms, images, text and hyperparameters to TensorBoard event files, as
/// PyTorch's <c>torch.utils.tensorboard.SummaryWriter</c> does; view them with <c>tensorboard --logdir runs</c>.
/// </summary>
/// <remarks>
/// Each call appends one event to <c>events.out.tfevents.*</c> in <see cref="LogDir"/> (TFRecord framing with masked
/// CRC-32C, TensorBoard's <c>Event</c>/<c>Summary</c> protocol buffers). Events are buffered and written to the file at
/// least every <c>flushInterval</c> (PyTorch's <c>flush_secs</c>, 120 s by default), on <see cref="Flush"/> and on
/// <see cref="Dispose"/>. Instances are thread-safe.
/// </remarks>
public sealed class SummaryWriter : IDisposable
{
    private readonly EventFileWriter _file;
    private readonly TimeSpan _flushInterval;
    private readonly Dictionary<string, EventFileWriter> _scalarsWriters = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Creates the writer and its event file.</summary>
    /// <param name="logDir">The run's directory; by default <c>runs/&lt;MonthDay_HH-mm-ss&gt;_&lt;host&gt;</c>, PyTorch's default.</param>
    /// <param name="flushInterval">How often buffered events reach the file at the latest (default 120 s).</param>
    public SummaryWriter(string? logDir = null, TimeSpan? flushInterval = null)
    {
        LogDir = logDir ?? Path.Combine("runs",
            DateTime.Now.ToString("MMMdd_HH-mm-ss", CultureInfo.InvariantCulture) + "_" + Environment.MachineName);
        _flushInterval = flushInterval ?? TimeSpan.FromSeconds(120);
        _file = new EventFileWriter(LogDir, _flushInterval);
    }

    /// <summary>The run's directory.</summary>
    public string LogDir { get; }

    /// <summary>The event file this writer appends to.</summary>
    public string FilePath => _file.FilePath;

    /// <summary>Logs one value of the series <paramref name="tag"/> (PyTorch's <c>add_scalar</c>).</summary>
    /// <param name="tag">The series name, e.g. <c>loss/train</c> (a slash groups series in TensorBoard).</param>
    /// <param name="value">The value, stored as float32 as PyTorch does by default.</param>
    /// <param name="step">The global step (x axis).</param>
    /// <param name="wallTime">Seconds since the Unix epoch; now by default.</param>
    public void AddScalar(string tag, double value, long step = 0, double? wallTime = null)
    {
        CheckTag(nameof(AddScalar), tag);
        Write(_file, new Summary.Types.Value { Tag = tag, SimpleValue = (float)value }, step, wallTime);
    }

    /// <summary>
    /// Logs several series in one chart (PyTorch's <c>add_scalars</c>): each goes to its own sub-run
    /// <c>&lt;logDir&gt;/&lt;mainTag&gt;_&lt;key&gt;</c> under the tag <paramref name="mainTag"/>, as PyTorch lays them out.
    /// </summary>
    public void AddScalars(string mainTag, IReadOnlyDictionary<string, double> values, long step = 0, double? wallTime = null)
    {
        CheckTag(nameof(AddScalars), mainTag);
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (key, value) in values)
        {
            string dir = Path.Combine(LogDir, mainTag.Replace('/', '_') + "_" + key);
            EventFileWriter writer;
            lock (_scalarsWriters)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (!_scalarsWriters.TryGetValue(dir, out writer!))
                {
                    writer = new EventFileWriter(dir, _flushInterval);
                    _scalarsWriters.Add(dir, writer);
                }
            }
            Write(writer, new Summary.Types.Value { Tag = mainTag, SimpleValue = (float)value }, step, wallTime);
        }
    }

    /// <summary>
    /// Logs the distribution of <paramref name="values"/> (PyTorch's <c>add_histogram</c>): min, max, count, sum, sum of
    /// squares and the counts over bucket edges, by default PyTorch's (±1e-12·1.1^k up to 1e20, and 0).
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is empty or holds NaN or infinity, or no value lies within the edges.</exception>
    public void AddHistogram(string tag, Tensor values, long step = 0, IReadOnlyList<double>? bucketEdges = null, double? wallTime = null)
    {
        CheckTag(nameof(AddHistogram), tag);
        ArgumentNullException.ThrowIfNull(values);
        if (bucketEdges is not null)
        {
            for (int i = 1; i < bucketEdges.Count; i++)
            {
                if (!(bucketEdges[i] > bucketEdges[i - 1]))
                {
                    throw new ArgumentException($"SummaryWriter.AddHistogram('{tag}'): bucket edges must increase; edge {i} is {bucketEdges[i]:R} after {bucketEdges[i - 1]:R}.", nameof(bucketEdges));
                }
            }
            if (bucketEdges.Count < 2)
            {
                throw new ArgumentException($"SummaryWriter.AddHistogram('{tag}'): at least two bucket edges are needed, got {bucketEdges.Count}.", nameof(bucketEdges));
            }
        }
        double[] data = (values.DType == DType.Float64 ? values.Detach() : values.Detach().To(DType.Float64)).ToArray<double>();
        var histogram = HistogramBuilder.Build(tag, data, bucketEdges ?? HistogramBuilder.DefaultEdges);
        Write(_file, new Summary.Types.Value { Tag = tag, Histo = histogram }, step, wallTime);
    }

    /// <summary>
    /// Logs an image given as a [C, H, W] tensor with C = 1 (grey), 3 (RGB) or 4 (RGBA) and values in [0, 1]
    /// (PyTorch's <c>add_image</c> with <c>dataformats="CHW"</c>). As PyTorch does, each value is multiplied by 255 and
    /// truncated to a byte; values outside [0, 1] are clamped first (PyTorch lets them wrap around).
    /// </summary>
    public void AddImage(string tag, Tensor image, long step = 0, double? wallTime = null)
    {
        CheckTag(nameof(AddImage), tag);
        ArgumentNullException.ThrowIfNull(image);
        int[] shape = image.Shape;
        if (shape.Length != 3 || shape[0] is not (1 or 3 or 4) || shape[1] == 0 || shape[2] == 0)
        {
            throw new ArgumentException(
                $"SummaryWriter.AddImage('{tag}'): expected a [C, H, W] tensor with C = 1, 3 or 4 and H, W > 0; got shape [{string.Join(", ", shape)}].", nameof(image));
        }
        int channels = shape[0], height = shape[1], width = shape[2];
        double[] chw = (image.DType == DType.Float64 ? image.Detach() : image.Detach().To(DType.Float64)).ToArray<double>();
        var pixels = new byte[chw.Length];
        int plane = height * width;
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < plane; i++)
            {
                double v = chw[c * plane + i];
                if (double.IsNaN(v))
                {
                    throw new ArgumentException($"SummaryWriter.AddImage('{tag}'): the image holds NaN at channel {c}, pixel {i}.", nameof(image));
                }
                pixels[i * channels + c] = (byte)Math.Clamp(v * 255.0, 0.0, 255.0);
            }
        }
        byte[] png = PngImage.Encode(pixels, width, height, channels);
        WriteImage(tag, png, width, height, channels, step, wallTime);
    }

    /// <summary>Logs an image already encoded as PNG (e.g. a plot saved by ScottPlot).</summary>
    /// <exception cref="ArgumentException">The bytes are not a PNG image.</exception>
    public void AddImage(string tag, byte[] png, long step = 0, double? wallTime = null)
    {
        CheckTag(nameof(AddImage), tag);
        ArgumentNullException.ThrowIfNull(png);
        var (width, height, channels) = PngImage.ReadHeader(png);
        WriteImage(tag, png, width, height, channels, step, wallTime);
    }

    /// <summary>Logs text, shown as Markdown by TensorBoard's text plugin (PyTorch's <c>add_text</c>; tag <c>&lt;tag&gt;/text_summary</c>).</summary>
    public void AddText(string tag, string text, long step = 0, double? wallTime = null)
    {
        CheckTag(nameof(AddText), tag);
        ArgumentNullException.ThrowIfNull(text);
        var tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto() };
        tensor.TensorShape.Dim.Add(new TensorShapeProto.Types.Dim { Size = 1 });
        tensor.StringVal.Add(ByteString.CopyFromUtf8(text));
        var metadata = new SummaryMetadata
        {
            PluginData = new SummaryMetadata.Types.PluginData { PluginName = "text", Content = new TextPluginData { Version = 0 }.ToByteString() },
        };
        Write(_file, new Summary.Types.Value { Tag = tag + "/text_summary", Metadata = metadata, Tensor = tensor }, step, wallTime);
    }

    /// <summary>
    /// Logs one trial of a hyperparameter search for TensorBoard's HPARAMS tab (PyTorch's <c>add_hparams</c>): in the
    /// sub-run <c>&lt;logDir&gt;/&lt;runName&gt;</c> (by default the current Unix time), the experiment, session start and
    /// session end summaries, then each metric as a scalar.
    /// </summary>
    /// <param name="hparams">Name → value; values are numbers (<see cref="double"/>, <see cref="int"/>, …), strings or booleans.</param>
    /// <param name="metrics">Name → final value of each metric.</param>
    /// <param name="runName">The sub-run's name.</param>
    public void AddHparams(IReadOnlyDictionary<string, object> hparams, IReadOnlyDictionary<string, double> metrics, string? runName = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var (experiment, start, end) = HParamsSummaries.Build(hparams, metrics);
        runName ??= (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).ToString("R", CultureInfo.InvariantCulture);
        using var writer = new EventFileWriter(Path.Combine(LogDir, runName), _flushInterval);
        foreach (var summary in new[] { experiment, start, end })
        {
            writer.Write(new Event { WallTime = EventFileWriter.WallTime(), Summary = summary });
        }
        foreach (var (name, value) in metrics)
        {
            Write(writer, new Summary.Types.Value { Tag = name, SimpleValue = (float)value }, 0, null);
        }
        writer.Flush();
    }

    /// <summary>Writes every buffered event to the files.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _file.Flush();
        lock (_scalarsWriters)
        {
            foreach (var writer in _scalarsWriters.Values)
            {
                writer.Flush();
            }
        }
    }

    /// <summary>Flushes and closes the event files.</summary>
    public void Dispose()
    {
        lock (_scalarsWriters)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var writer in _scalarsWriters.Values)
            {
                writer.Dispose();
            }
        }
        _file.Dispose();
    }

    private void WriteImage(string tag, byte[] png, int width, int height, int channels, long step, double? wallTime)
    {
        var image = new Summary.Types.Image { Height = height, Width = width, Colorspace = channels, EncodedImageString = ByteString.CopyFrom(png) };
        Write(_file, new Summary.Types.Value { Tag = tag, Image = image }, step, wallTime);
    }

    private void Write(EventFileWriter writer, Summary.Types.Value value, long step, double? wallTime)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var summary = new Summary();
        summary.Value.Add(value);
        writer.Write(new Event { WallTime = wallTime ?? EventFileWriter.WallTime(), Step = step, Summary = summary });
    }

    private static void CheckTag(string method, string tag)
    {
        if (string.IsNullOrEmpty(tag))
        {
            throw new ArgumentException($"SummaryWriter.{method}: the tag must be a non-empty string.", nameof(tag));
        }
    }
}
