using System.Buffers.Binary;
using System.Text;

namespace MiniTorch.NN.Tests.Serialization;

public class SafetensorsCorruptionTests
{
    private const string Two = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}";

    private static SafetensorsFormatException Fails(string path)
    {
        var e = Assert.Throws<SafetensorsFormatException>(() => Safetensors.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith($"Safetensors file '{path}' is invalid: ", e.Message);
        return e;
    }

    private static SafetensorsFormatException Header(string header, int dataBytes, string? expected)
    {
        using var dir = new TempDirectory();
        var e = Fails(SafetensorsTests.Save(dir, header, new byte[dataBytes]));
        if (expected is not null)
        {
            Assert.Contains(expected, e.Problem);
        }
        return e;
    }

    [Fact]
    public void AValidFileLoads()
    {
        using var dir = new TempDirectory();
        var loaded = Safetensors.Load(SafetensorsTests.Save(dir, Two + "    ", new byte[16])); // trailing spaces are allowed padding
        Assert.Equal(["a", "b"], loaded.Keys);
    }

    [Fact]
    public void TruncatedFiles()
    {
        using var dir = new TempDirectory();
        string tiny = dir.File("tiny");
        File.WriteAllBytes(tiny, [1, 2, 3]);
        Assert.Contains("has 3 bytes, fewer than the 8-byte header length", Fails(tiny).Problem);

        string good = SafetensorsTests.Save(dir, Two, new byte[16], "good");
        var bytes = File.ReadAllBytes(good);
        string cutHeader = dir.File("cut-header");
        File.WriteAllBytes(cutHeader, bytes[..40]);
        Assert.Contains("the header length field says", Fails(cutHeader).Problem);
        string cutData = dir.File("cut-data");
        File.WriteAllBytes(cutData, bytes[..^4]);
        Assert.Contains("tensor 'b' is out of bounds: its data_offsets [8, 16) end past the 12-byte data section", Fails(cutData).Problem);

        string huge = dir.File("huge");
        var h = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(h, ulong.MaxValue);
        File.WriteAllBytes(huge, h);
        Assert.Contains("more than the limit of 100000000", Fails(huge).Problem);
    }

    [Fact]
    public void MalformedHeaders()
    {
        Header("[1,2]   ", 0, "does not start with '{'");
        Header("", 0, "does not start with '{'");
        Header("{\"a\":{\"dtype\":\"F32\",", 0, "not well-formed JSON");
        using (var dir = new TempDirectory())
        {
            var text = Encoding.UTF8.GetBytes("{\"\u00e9\":1}");
            text[3] = 0xFF; // break the UTF-8 of the name
            var bytes = new byte[8 + text.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)text.Length);
            text.CopyTo(bytes, 8);
            File.WriteAllBytes(dir.File("utf8"), bytes);
            Assert.Contains("not valid UTF-8", Fails(dir.File("utf8")).Problem);
        }
        Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "names 'a' twice");
        Header("{\"a\":[1]}", 0, "tensor 'a': expected an object with dtype, shape and data_offsets, got Array");
    }

    [Fact]
    public void BadEntries()
    {
        Header("{\"a\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "tensor 'a' has dtype 'I16', which MiniTorch does not support (supported: F32, F64, I64, I32, BOOL, U8, F16, BF16)");
        // The data length is the element size of the dtype times the element count, for every dtype.
        Header("{\"a\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[0,4]}}", 4, "tensor 'a': shape [3] of BOOL needs 3 bytes but data_offsets [0, 4) span 4");
        Header("{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "tensor 'a': shape [2] of BF16 needs 4 bytes but data_offsets [0, 8) span 8");
        Header("{\"a\":{\"dtype\":\"I32\",\"shape\":[2, 1],\"data_offsets\":[0,4]}}", 4, "tensor 'a': shape [2, 1] of I32 needs 8 bytes but data_offsets [0, 4) span 4");
        Header("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "tensor 'a': the field 'shape' is missing");
        Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}", 4, "unexpected or repeated field 'extra'");
        Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "shape must be an array of non-negative integers, got -1");
        Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4, "got 1.5");
        Header("{\"a\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,4]}}", 4, "shape must be an array");
        Header("{\"a\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "dtype must be a string");
        Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8, "data_offsets must be [begin, end], got 3 numbers");
        Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}", 4, "has begin after end");
        Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "shape [3] of F32 needs 12 bytes but data_offsets [0, 8) span 8");
        Header("{\"a\":{\"dtype\":\"F64\",\"shape\":[4294967296],\"data_offsets\":[0,8]}}", 8, "larger than a MiniTorch tensor can have");
        Header("{\"__metadata__\":{\"k\":1}}", 0, "'__metadata__' value for 'k' must be a string");
        Header("{\"__metadata__\":[\"k\"]}", 0, "'__metadata__' must be an object of strings");
    }

    /// <summary>
    /// "\ud800" is valid JSON but a lone UTF-16 surrogate, which System.Text.Json refuses to turn into a string with an
    /// InvalidOperationException; the file is at fault, so it must be a SafetensorsFormatException (found by fuzzing).
    /// </summary>
    [Fact]
    public void ALoneSurrogateEscapeIsAFormatErrorWhereverItIs()
    {
        const string Lone = "\\ud800x";
        Header("{\"" + Lone + "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "a tensor name is not valid Unicode text (it escapes a lone UTF-16 surrogate");
        Header("{\"__metadata__\":{\"format\":\"" + Lone + "\"},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "the '__metadata__' value for 'format' is not valid Unicode text");
        Header("{\"__metadata__\":{\"" + Lone + "\":\"pt\"}}", 0, "a '__metadata__' key is not valid Unicode text");
        Header("{\"a\":{\"dtype\":\"" + Lone + "\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "the dtype of tensor 'a' is not valid Unicode text");
        Header("{\"a\":{\"" + Lone + "\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "a field name of tensor 'a' is not valid Unicode text");
        // A surrogate pair written as two escapes is one valid character and loads.
        using var dir = new TempDirectory();
        var loaded = Safetensors.Load(SafetensorsTests.Save(dir, "{\"\\ud83d\\ude00\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]));
        Assert.Equal(["\U0001F600"], loaded.Keys);
    }

    [Fact]
    public void LayoutViolations()
    {
        var overlap = Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, null);
        Assert.Contains("tensor 'b' [4, 12) overlaps tensor 'a', which ends at byte 8", overlap.Problem);
        var hole = Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12, null);
        Assert.Contains("bytes [4, 8) of the data section, between tensor 'a' and tensor 'b', belong to no tensor", hole.Problem);
        Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "bytes [0, 4) of the data section, between the start of the data section and tensor 'a'");
        Header(Two, 20, "4 trailing bytes after the last tensor's data");
        Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "tensor 'a' [4, 4) overlaps tensor 'b'");
    }

    [Fact]
    public void Int64IsReadExactlyAsInt64()
    {
        // MiniTorch used to load I64 as Float64 and refuse values past 2^53; it now keeps them exactly, as torch does.
        using var dir = new TempDirectory();
        var data = new byte[32];
        BinaryPrimitives.WriteInt64LittleEndian(data, 42);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), -7);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(16), (1L << 53) + 1);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(24), long.MinValue);
        var t = Safetensors.Load(SafetensorsTests.Save(dir, "{\"n\":{\"dtype\":\"I64\",\"shape\":[2,2],\"data_offsets\":[0,32]}}", data))["n"];
        Assert.Equal(DType.Int64, t.DType);
        Assert.Equal([2, 2], t.Shape);
        Assert.Equal(new[] { 42L, -7L, (1L << 53) + 1, long.MinValue }, t.ToArray<long>());
    }

    [Fact]
    public void ABoolByteOtherThanZeroOrOneIsAFormatErrorNamingTheTensor()
    {
        using var dir = new TempDirectory();
        string header = "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[4],\"data_offsets\":[0,4]}}";
        var good = Safetensors.Load(SafetensorsTests.Save(dir, header, [1, 0, 0, 1]))["m"];
        Assert.Equal(DType.Bool, good.DType);
        Assert.Equal(new[] { true, false, false, true }, good.ToArray<bool>());
        string path = SafetensorsTests.Save(dir, header, [1, 0, 2, 1], "bad");
        var e = Fails(path);
        Assert.Equal(Path.GetFullPath(path), Path.GetFullPath(e.FilePath));
        Assert.Contains("tensor 'm' (BOOL) holds the byte 2 at element 2; a BOOL element must be 0 or 1", e.Problem);
    }
}
