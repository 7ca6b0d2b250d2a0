using System.Globalization;
using System.Text.Json;

namespace MiniTorch.Tests.Golden;

/// <summary>
/// The index ops against PyTorch 1.13's results in Golden/dtypes.json (tools/golden/generate_dtype_golden.py): argmax,
/// argmin, max/min along a dim, sort, topk, unique, nonzero and bincount from its "reductions" section; gather,
/// index_select, scatter, scatter_add, x[idx] and x[mask] from its "indexing" section. Cases PyTorch refuses must be
/// refused here too. Cases of forms MiniTorch does not offer are left out by name below (ReasonLeftOut).
/// </summary>
public class IndexDTypeGoldenTests
{
    private static readonly Lazy<JsonElement> s_file = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "dtypes.json"))).RootElement);

    private static readonly string[] ReductionOps = ["argmax", "argmin", "max", "min", "sort", "topk", "unique", "nonzero", "bincount"];

    private static readonly string[] IndexingOps = ["gather", "index_select", "scatter", "scatter_add", "int_index", "mask_index"];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var (section, ops) in new[] { ("reductions", ReductionOps), ("indexing", IndexingOps) })
        {
            int i = 0;
            foreach (var c in s_file.Value.GetProperty(section).EnumerateArray())
            {
                if (ops.Contains(c.GetProperty("op").GetString()) && ReasonLeftOut(c) is null)
                {
                    data.Add(section, i);
                }
                i++;
            }
        }
        return data;
    }

    /// <summary>Why a case of an index op is not compared, or null: forms MiniTorch does not have (or leaves to other ops).</summary>
    private static string? ReasonLeftOut(JsonElement c)
    {
        string op = c.GetProperty("op").GetString()!;
        var p = Params(c);
        if (op is "max" or "min" && !p.ContainsKey("dim"))
        {
            return "the full reduction is Max()/Min(), not an index op";
        }
        if (op == "unique" && p.ContainsKey("dim"))
        {
            return "MiniTorch's Unique flattens (no dim argument)";
        }
        if (op == "unique" && Inputs(c)[0].GetProperty("data").EnumerateArray().Any(x => x.ValueKind == JsonValueKind.String))
        {
            return "torch 1.13's unique of a NaN gives a count of 0 for it (a torch quirk MiniTorch does not copy)";
        }
        if (op == "mask_index" && Inputs(c)[1].GetProperty("dtype").GetString() == "uint8")
        {
            return "uint8 masks are deprecated in PyTorch; MiniTorch takes Bool masks";
        }
        return null;
    }

    [Fact]
    public void TheFileHoldsTheIndexOps()
    {
        Assert.StartsWith("1.13", s_file.Value.GetProperty("torch").GetString());
        Assert.True(Cases().Count > 100, $"only {Cases().Count} index cases");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch113(string section, int index)
    {
        var c = s_file.Value.GetProperty(section)[index];
        string op = c.GetProperty("op").GetString()!;
        var inputs = Inputs(c).Select(Build).ToArray();
        var p = Params(c);
        if (c.TryGetProperty("error", out _))
        {
            var ex = Record.Exception(() => Run(op, inputs, p));
            Assert.True(ex is ArgumentException or NotSupportedException, $"{op} {c}: expected a refusal, got {ex?.GetType().Name ?? "a result"}");
            return;
        }
        var got = Run(op, inputs, p);
        var output = c.GetProperty("output");
        var expected = output.ValueKind == JsonValueKind.Array ? output.EnumerateArray().ToArray() : [output];
        Assert.Equal(expected.Length, got.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.Equal(expected[k].GetProperty("dtype").GetString(), got[k].DType.TorchName()["torch.".Length..]);
            Assert.Equal(GoldenTensor.IntArray(expected[k].GetProperty("shape")), got[k].Shape);
        }
        if (op == "topk")
        {
            // Values must agree exactly; which of several equal values PyTorch picks is unspecified (its order among
            // ties differs from a stable one), so the positions are checked to be distinct and to hold those values.
            AssertValues(expected[0], got[0]);
            AssertPositionsHoldTheValues(inputs[0], Int(p, "dim", -1), got[0], got[1]);
            return;
        }
        for (int k = 0; k < expected.Length; k++)
        {
            AssertValues(expected[k], got[k]);
        }
    }

    private static Tensor[] Run(string op, Tensor[] x, Dictionary<string, JsonElement> p)
    {
        int Int(string name, int fallback) => p.TryGetValue(name, out var v) ? v.GetInt32() : fallback;
        bool Bool(string name, bool fallback) => p.TryGetValue(name, out var v) ? v.GetBoolean() : fallback;
        return op switch
        {
            "argmax" => [p.ContainsKey("dim") ? x[0].ArgMax(Int("dim", 0), Bool("keepdim", false)) : x[0].Reshape(-1).ArgMax(0)],
            "argmin" => [p.ContainsKey("dim") ? x[0].ArgMin(Int("dim", 0), Bool("keepdim", false)) : x[0].Reshape(-1).ArgMin(0)],
            "max" => Pair(x[0].Max(Int("dim", 0), Bool("keepdim", false))),
            "min" => Pair(x[0].Min(Int("dim", 0), Bool("keepdim", false))),
            "sort" => Pair(x[0].Sort(Int("dim", -1), Bool("descending", false), Bool("stable", false))),
            "topk" => Pair(x[0].TopK(Int("k", 1), Int("dim", -1), Bool("largest", true))),
            "unique" => Unique(x[0], Bool("return_inverse", false), Bool("return_counts", false)),
            "nonzero" => Bool("as_tuple", false) ? Columns(x[0].Nonzero()) : [x[0].Nonzero()],
            "bincount" => [x[0].Bincount(x.Length > 1 ? x[1] : null, Int("minlength", 0))],
            "gather" => [x[0].Gather(Int("dim", 0), x[1])],
            "index_select" => [x[0].IndexSelect(Int("dim", 0), x[1])],
            "scatter" => [p.TryGetValue("value", out var v) ? x[0].Scatter(Int("dim", 0), x[1], v.GetDouble()) : x[0].Scatter(Int("dim", 0), x[1], x[2])],
            "scatter_add" => [x[0].ScatterAdd(Int("dim", 0), x[1], x[2])],
            "int_index" or "mask_index" => [x[0][x[1]]],
            _ => throw new InvalidOperationException(op),
        };
    }

    private static Tensor[] Pair((Tensor Values, Tensor Indices) r) => [r.Values, r.Indices];

    private static Tensor[] Unique(Tensor x, bool inverse, bool counts)
    {
        var (values, inv, cnt) = x.Unique(returnInverse: inverse, returnCounts: counts);
        return [values, .. inverse ? [inv!] : Array.Empty<Tensor>(), .. counts ? [cnt!] : Array.Empty<Tensor>()];
    }

    /// <summary>torch.nonzero(as_tuple=True): one 1-D tensor per dim, the columns of Nonzero's [count, rank] result.</summary>
    private static Tensor[] Columns(Tensor nonzero)
    {
        var all = nonzero.ToArray<long>();
        int n = nonzero.Shape[0];
        int rank = nonzero.Shape[1];
        var columns = new Tensor[rank];
        for (int j = 0; j < rank; j++)
        {
            var column = new long[n];
            for (int i = 0; i < n; i++)
            {
                column[i] = all[i * rank + j];
            }
            columns[j] = Tensor.FromArray(column);
        }
        return columns;
    }

    private static JsonElement[] Inputs(JsonElement c) => [.. c.GetProperty("inputs").EnumerateArray()];

    private static Dictionary<string, JsonElement> Params(JsonElement c) =>
        c.TryGetProperty("params", out var p) ? p.EnumerateObject().ToDictionary(x => x.Name, x => x.Value) : [];

    private static Tensor Build(JsonElement t)
    {
        var shape = GoldenTensor.IntArray(t.GetProperty("shape"));
        var data = t.GetProperty("data").EnumerateArray().ToArray();
        switch (t.GetProperty("dtype").GetString())
        {
            case "int64":
                return Tensor.FromArray(Array.ConvertAll(data, static x => x.GetInt64()), shape);
            case "int32":
                var ints = Tensor.Empty(shape, DType.Int32);
                for (int i = 0; i < data.Length; i++)
                {
                    ints.Data<int>()[i] = data[i].GetInt32();
                }
                return ints;
            case "uint8":
                return Tensor.FromArray(Array.ConvertAll(data, static x => x.GetByte()), shape);
            case "bool":
                return Tensor.FromArray(Array.ConvertAll(data, static x => x.GetBoolean()), shape);
            case "float32":
                return Tensor.FromArray(Array.ConvertAll(data, static x => (float)GoldenTensor.Number(x)), shape);
            case "float64":
                return Tensor.FromArray(Array.ConvertAll(data, GoldenTensor.Number), shape);
            default:
                throw new NotSupportedException(t.GetProperty("dtype").GetString());
        }
    }

    private static double[] Numbers(Tensor t) => t.DType switch
    {
        DType.Int64 => Array.ConvertAll(t.ToArray<long>(), static v => (double)v),
        DType.Int32 => Array.ConvertAll(t.Contiguous().ToArray<int>(), static v => (double)v),
        DType.UInt8 => Array.ConvertAll(t.Contiguous().ToArray<byte>(), static v => (double)v),
        DType.Bool => Array.ConvertAll(t.Contiguous().ToArray<bool>(), static v => v ? 1.0 : 0.0),
        _ => t.ToDoubleArray(),
    };

    private static double[] Numbers(JsonElement t) =>
        [.. t.GetProperty("data").EnumerateArray().Select(x => x.ValueKind switch
        {
            JsonValueKind.True => 1.0,
            JsonValueKind.False => 0.0,
            JsonValueKind.String => double.Parse(x.GetString()!, CultureInfo.InvariantCulture),
            _ => x.GetDouble(),
        })];

    private static void AssertValues(JsonElement expected, Tensor actual)
    {
        var e = Numbers(expected);
        var a = Numbers(actual);
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(double.IsNaN(e[i]) ? double.IsNaN(a[i]) : e[i] == a[i], $"element {i}: PyTorch {e[i]:R}, MiniTorch {a[i]:R}");
        }
    }

    private static int Int(Dictionary<string, JsonElement> p, string name, int fallback) => p.TryGetValue(name, out var v) ? v.GetInt32() : fallback;

    private static void AssertPositionsHoldTheValues(Tensor input, int dim, Tensor values, Tensor indices)
    {
        Assert.Equal(Numbers(values), Numbers(input.Gather(dim, indices)));
        var sorted = indices.Sort(dim).Values; // distinct positions per lane: no two neighbours equal once sorted
        var flat = Numbers(sorted);
        int lane = sorted.Shape[^1];
        for (int i = 1; i < flat.Length; i++)
        {
            Assert.True(i % lane == 0 || flat[i] != flat[i - 1], $"position {flat[i]} picked twice");
        }
    }
}
