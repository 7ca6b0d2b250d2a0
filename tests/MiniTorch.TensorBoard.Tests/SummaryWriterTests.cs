using System.IO.Compression;
using Tensorboard.Hparams;

namespace MiniTorch.TensorBoard.Tests;

public sealed class SummaryWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minitorch-tb-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Run(string name) => Path.Combine(_dir, name);

    [Fact]
    public void EveryRecordIsFramedWithValidCrcsAndParsesBack()
    {
        string logDir = Run("run");
        using (var writer = new SummaryWriter(logDir))
        {
            for (int step = 0; step < 5; step++)
            {
                writer.AddScalar("loss/train", 1.0 / (step + 1), step, wallTime: 1000 + step);
            }
            writer.AddHistogram("weights", Tensor.FromArray(new float[] { -1, 0, 0.5f, 2 }), 3);
            writer.AddText("notes", "**bold** text", 4);
        }
        string file = EventFileReader.SingleEventFile(logDir);
        Assert.Matches(@"events\.out\.tfevents\.\d{10}\.[^.]+\.\d+\.\d+$", Path.GetFileName(file));
        var events = EventFileReader.ReadAll(file);

        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var scalars = events.Skip(1).Take(5).ToList();
        for (int step = 0; step < 5; step++)
        {
            Assert.Equal(step, scalars[step].Step);
            Assert.Equal(1000 + step, scalars[step].WallTime);
            var value = Assert.Single(scalars[step].Summary.Value);
            Assert.Equal("loss/train", value.Tag);
            Assert.Equal((float)(1.0 / (step + 1)), value.SimpleValue);
        }
        var histogram = Assert.Single(events[6].Summary.Value).Histo;
        Assert.Equal(4, histogram.Num);
        Assert.Equal(-1, histogram.Min);
        Assert.Equal(2, histogram.Max);
        Assert.Equal(1.5, histogram.Sum);
        Assert.Equal(4, histogram.Bucket.Sum());

        var text = Assert.Single(events[7].Summary.Value);
        Assert.Equal("notes/text_summary", text.Tag);
        Assert.Equal("text", text.Metadata.PluginData.PluginName);
        Assert.Equal(Tensorboard.DataType.DtString, text.Tensor.Dtype);
        Assert.Equal("**bold** text", text.Tensor.StringVal[0].ToStringUtf8());
        Assert.Equal(8, events.Count);
    }

    [Fact]
    public void ImagesAreEncodedAsPngWithTheTensorsPixels()
    {
        // [3, 2, 2]: red, green, blue and white pixels.
        var chw = Tensor.FromArray(new float[]
        {
            1, 0, 0, 1,
            0, 1, 0, 1,
            0, 0, 1, 1,
        }).Reshape(3, 2, 2);
        string logDir = Run("images");
        using (var writer = new SummaryWriter(logDir))
        {
            writer.AddImage("sample", chw, 1);
        }
        var events = EventFileReader.ReadAll(EventFileReader.SingleEventFile(logDir));
        var image = Assert.Single(events[1].Summary.Value).Image;
        Assert.Equal((2, 2, 3), (image.Width, image.Height, image.Colorspace));
        byte[] png = image.EncodedImageString.ToByteArray();
        Assert.Equal(new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255 }, DecodeRgb(png, 2, 2));
    }

    /// <summary>Inflates the IDAT of an unfiltered 8-bit RGB PNG (what the writer makes) and drops the filter bytes.</summary>
    private static byte[] DecodeRgb(byte[] png, int width, int height)
    {
        int offset = 8;
        using var idat = new MemoryStream();
        while (offset < png.Length)
        {
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            string type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            if (type == "IDAT")
            {
                idat.Write(png, offset + 8, length);
            }
            offset += 12 + length;
        }
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }
        byte[] raw = inflated.ToArray();
        int stride = width * 3;
        Assert.Equal(height * (stride + 1), raw.Length);
        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            Assert.Equal(0, raw[y * (stride + 1)]);
            Array.Copy(raw, y * (stride + 1) + 1, pixels, y * stride, stride);
        }
        return pixels;
    }

    [Fact]
    public void PngBytesArePassedThroughAndCheckedForASignature()
    {
        string logDir = Run("png");
        byte[] png = PngImage.Encode(new byte[] { 0, 128, 255, 64, 32, 16 }, 3, 2, 1);
        using (var writer = new SummaryWriter(logDir))
        {
            writer.AddImage("plot", png, 2);
            var e = Assert.Throws<ArgumentException>(() => writer.AddImage("plot", new byte[40], 3));
            Assert.Contains("not a PNG", e.Message);
        }
        var image = Assert.Single(EventFileReader.ReadAll(EventFileReader.SingleEventFile(logDir))[1].Summary.Value).Image;
        Assert.Equal((3, 2, 1), (image.Width, image.Height, image.Colorspace));
        Assert.Equal(png, image.EncodedImageString.ToByteArray());
    }

    [Fact]
    public void AddScalarsWritesOneSubRunPerSeriesAsPyTorchDoes()
    {
        string logDir = Run("scalars");
        using (var writer = new SummaryWriter(logDir))
        {
            writer.AddScalars("loss/all", new Dictionary<string, double> { ["train"] = 0.5, ["test"] = 0.75 }, 7);
        }
        foreach (var (series, expected) in new[] { ("train", 0.5f), ("test", 0.75f) })
        {
            var events = EventFileReader.ReadAll(EventFileReader.SingleEventFile(Path.Combine(logDir, "loss_all_" + series)));
            var value = Assert.Single(events[1].Summary.Value);
            Assert.Equal("loss/all", value.Tag);
            Assert.Equal(expected, value.SimpleValue);
            Assert.Equal(7, events[1].Step);
        }
    }

    [Fact]
    public void AddHparamsWritesTheThreePluginSummariesAndTheMetrics()
    {
        string logDir = Run("hparams");
        using (var writer = new SummaryWriter(logDir))
        {
            writer.AddHparams(new Dictionary<string, object> { ["lr"] = 0.01, ["optimizer"] = "adam", ["nesterov"] = true, ["batch"] = 32 },
                new Dictionary<string, double> { ["accuracy"] = 0.97 }, runName: "trial1");
        }
        var events = EventFileReader.ReadAll(EventFileReader.SingleEventFile(Path.Combine(logDir, "trial1")));
        Assert.Equal(5, events.Count);
        var tags = events.Skip(1).Select(e => Assert.Single(e.Summary.Value).Tag).ToArray();
        Assert.Equal(["_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info", "accuracy"], tags);

        HParamsPluginData Data(int i)
        {
            var value = events[i].Summary.Value[0];
            Assert.Equal("hparams", value.Metadata.PluginData.PluginName);
            return HParamsPluginData.Parser.ParseFrom(value.Metadata.PluginData.Content);
        }
        var experiment = Data(1).Experiment;
        Assert.Equal(["lr", "optimizer", "nesterov", "batch"], experiment.HparamInfos.Select(h => h.Name));
        Assert.Equal([Tensorboard.Hparams.DataType.Float64, Tensorboard.Hparams.DataType.String, Tensorboard.Hparams.DataType.Bool, Tensorboard.Hparams.DataType.Float64],
            experiment.HparamInfos.Select(h => h.Type));
        Assert.Equal("accuracy", Assert.Single(experiment.MetricInfos).Name.Tag);
        var start = Data(2).SessionStartInfo;
        Assert.Equal(0.01, start.Hparams["lr"].NumberValue);
        Assert.Equal("adam", start.Hparams["optimizer"].StringValue);
        Assert.True(start.Hparams["nesterov"].BoolValue);
        Assert.Equal(32, start.Hparams["batch"].NumberValue);
        Assert.Equal(Status.Success, Data(3).SessionEndInfo.Status);
        Assert.Equal(0.97f, events[4].Summary.Value[0].SimpleValue);

        using var w = new SummaryWriter(Run("bad"));
        var e = Assert.Throws<ArgumentException>(() => w.AddHparams(new Dictionary<string, object> { ["shape"] = new[] { 1, 2 } }, new Dictionary<string, double>()));
        Assert.Contains("'shape'", e.Message);
    }

    [Fact]
    public void BadImagesAndTagsAreRejectedWithTheirShape()
    {
        using var writer = new SummaryWriter(Run("bad"));
        var e = Assert.Throws<ArgumentException>(() => writer.AddImage("img", Tensor.Zeros(2, 4, 4), 0));
        Assert.Contains("[2, 4, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => writer.AddImage("img", Tensor.Zeros(4, 4), 0));
        Assert.Contains("[4, 4]", e.Message);
        Assert.Throws<ArgumentException>(() => writer.AddScalar("", 1));
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.AddScalar("x", 1));
    }

    [Fact]
    public void FlushMakesEventsVisibleBeforeDispose()
    {
        string logDir = Run("flush");
        using var writer = new SummaryWriter(logDir);
        writer.AddScalar("x", 2.5, 1);
        writer.Flush();
        using var stream = new FileStream(writer.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var copy = Path.Combine(_dir, "copy");
        using (var target = File.Create(copy))
        {
            stream.CopyTo(target);
        }
        var events = EventFileReader.ReadAll(copy);
        Assert.Equal(2.5f, Assert.Single(events[1].Summary.Value).SimpleValue);
    }
}
