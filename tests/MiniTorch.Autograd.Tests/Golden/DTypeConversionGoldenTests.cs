using System.Text.Json;

namespace MiniTorch.Tests.Golden;

/// <summary>
/// <c>To(DType)</c> against PyTorch 1.13's <c>.to(dtype)</c> (the <c>conversions</c> and <c>half_rounding</c> sections of
/// <c>Golden/dtypes.json</c>): every pair of dtypes over edge values, and the float16/bfloat16 rounding of ties,
/// subnormals and overflow, bit for bit.
/// </summary>
public class DTypeConversionGoldenTests
{
    public static TheoryData<int> ConversionRows() => RowNumbers("conversions");

    public static TheoryData<int> RoundingRows() => RowNumbers("half_rounding");

    [Theory]
    [MemberData(nameof(ConversionRows))]
    public void ToMatchesPyTorch(int row)
    {
        var json = DTypeGolden.Section("conversions")[row];
        var input = DTypeGolden.ParseTensor(json.GetProperty("input"));
        var target = DTypeGolden.ParseDType(json.GetProperty("to").GetString()!);
        var converted = input.To(target);

        // Out-of-range float → int and NaN/Inf → int are undefined behaviour in C++; PyTorch documents no value for them,
        // so those elements are left out (the generator lists them per row).
        var undefined = new HashSet<int>(json.GetProperty("implementation_defined").EnumerateArray().Select(e => e.GetInt32()));
        var expected = DTypeGolden.ParseTensor(json.GetProperty("output"));
        Assert.Equal(expected.DType, converted.DType);
        Assert.Equal(expected.Shape, converted.Shape);
        DTypeGolden.AssertEqual(Defined(json.GetProperty("output"), undefined), DefinedElements(converted, undefined), DTypeGolden.Describe(json));
    }

    /// <summary>The elements of a 1-D tensor outside <paramref name="undefined"/>, in the tensor's dtype (each value exact there).</summary>
    private static Tensor DefinedElements(Tensor t, HashSet<int> undefined)
    {
        bool Keep(int i) => !undefined.Contains(i);
        if (t.DType == DType.Bool)
        {
            return Tensor.FromArray(t.ToBoolArray().Where((_, i) => Keep(i)).ToArray());
        }
        if (t.DType.IsIntegral())
        {
            return Tensor.FromArray(t.ToLongArray().Where((_, i) => Keep(i)).ToArray()).To(t.DType);
        }
        return Tensor.FromArray(t.ToDoubleArray().Where((_, i) => Keep(i)).ToArray()).To(t.DType);
    }

    [Theory]
    [MemberData(nameof(RoundingRows))]
    public void HalfPrecisionRoundingMatchesPyTorchBitForBit(int row)
    {
        var json = DTypeGolden.Section("half_rounding")[row];
        var input = DTypeGolden.ParseTensor(json.GetProperty("input"));
        var target = DTypeGolden.ParseDType(json.GetProperty("to").GetString()!);
        var converted = input.To(target);
        Assert.Equal(target, converted.DType);

        ushort[] bits = target == DType.Float16
            ? [.. converted.ToArray<Half>().Select(BitConverter.HalfToUInt16Bits)]
            : [.. converted.ToArray<BFloat16>().Select(b => b.Bits)];
        var expectedBits = json.GetProperty("output").GetProperty("bits").EnumerateArray().Select(e => (ushort)e.GetInt32()).ToArray();
        var back = converted.To(DType.Float64).ToDoubleArray();
        for (int i = 0; i < bits.Length; i++)
        {
            // NaN payloads differ between PyTorch's own paths (float32 NaN → bfloat16 gives 0xFFFF, float64 NaN 0x7FC0):
            // a NaN must stay a NaN, its bits are not part of the contract.
            if (double.IsNaN(back[i]))
            {
                Assert.True(IsNaNBits(expectedBits[i], target), $"{DTypeGolden.Describe(json)}: element {i} is NaN, PyTorch bits 0x{expectedBits[i]:X4}");
                continue;
            }
            Assert.True(expectedBits[i] == bits[i], $"{json.GetProperty("from").GetString()} → {target}: element {i} has bits 0x{bits[i]:X4}, PyTorch 0x{expectedBits[i]:X4}");
        }
        DTypeGolden.AssertEqual(json.GetProperty("back_to_float64"), converted.To(DType.Float64), "back to float64");
    }

    private static bool IsNaNBits(ushort bits, DType dtype) => dtype == DType.Float16
        ? (bits & 0x7C00) == 0x7C00 && (bits & 0x03FF) != 0
        : (bits & 0x7F80) == 0x7F80 && (bits & 0x007F) != 0;

    private static TheoryData<int> RowNumbers(string section)
    {
        var rows = new TheoryData<int>();
        for (int i = 0; i < DTypeGolden.Section(section).Count; i++)
        {
            rows.Add(i);
        }
        return rows;
    }

    /// <summary>The expected tensor JSON without the undefined elements, in the same form <see cref="DTypeGolden.ParseTensor"/> reads.</summary>
    private static JsonElement Defined(JsonElement output, HashSet<int> undefined)
    {
        var data = output.GetProperty("data").EnumerateArray().Where((_, i) => !undefined.Contains(i)).Select(e => e.Clone()).ToArray();
        var shaped = new Dictionary<string, object>
        {
            ["dtype"] = output.GetProperty("dtype").GetString()!,
            ["shape"] = new[] { data.Length },
            ["data"] = data,
        };
        return JsonSerializer.SerializeToElement(shaped);
    }
}
