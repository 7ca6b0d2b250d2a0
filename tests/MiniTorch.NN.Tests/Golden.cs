using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace MiniTorch.NN.Tests;

/// <summary>Reads the PyTorch reference data written by tools/golden/generate_nn_golden.py.</summary>
internal static class Golden
{
    private static readonly ConcurrentDictionary<string, JsonDocument> Files = new();

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Golden", file);

    /// <summary>The case called <paramref name="name"/> in a golden file.</summary>
    public static JsonElement Case(string file, string name)
    {
        var doc = Files.GetOrAdd(file, f => JsonDocument.Parse(File.ReadAllBytes(PathOf(f))));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (c.GetProperty("name").GetString() == name)
            {
                return c;
            }
        }
        throw new KeyNotFoundException($"No golden case '{name}' in {file}; re-run tools/golden/generate_nn_golden.py.");
    }

    /// <summary>A {"shape", "data"} object as a tensor.</summary>
    public static Tensor Tensor(JsonElement e, DType dtype = DType.Float64, bool requiresGrad = false)
    {
        var shape = new List<int>();
        foreach (var d in e.GetProperty("shape").EnumerateArray())
        {
            shape.Add(d.GetInt32());
        }
        var data = new List<double>();
        foreach (var v in e.GetProperty("data").EnumerateArray())
        {
            data.Add(v.GetDouble());
        }
        if (dtype == DType.Int64)
        {
            // Class indices and embedding ids, exact.
            return MiniTorch.Tensor.FromArray(data.Select(static v => (long)v).ToArray(), shape.ToArray());
        }
        var t = MiniTorch.Tensor.FromArray(data.ToArray(), shape.ToArray()).To(dtype);
        return requiresGrad ? t.Detach().SetRequiresGrad() : t;
    }

    public static Tensor Tensor(JsonElement parent, string property, DType dtype = DType.Float64) => Tensor(parent.GetProperty(property), dtype);

    /// <summary>The "params" object of a case as a state dict.</summary>
    public static Dictionary<string, Tensor> Params(JsonElement c)
    {
        var result = new Dictionary<string, Tensor>();
        foreach (var p in c.GetProperty("params").EnumerateObject())
        {
            result[p.Name] = Tensor(p.Value);
        }
        return result;
    }

    public static int[] Ints(JsonElement e)
    {
        var result = new List<int>();
        foreach (var v in e.EnumerateArray())
        {
            result.Add(v.GetInt32());
        }
        return result.ToArray();
    }

    public static Size2 Pair(JsonElement e)
    {
        var v = Ints(e);
        return (v[0], v[1]);
    }
}

/// <summary>Tensor comparisons whose failure message names the element, the expected and the actual value.</summary>
internal static class Check
{
    public static void Close(Tensor expected, Tensor actual, double atol = 1e-10, double rtol = 1e-8, string what = "tensor")
    {
        Assert.True(expected.Shape.AsSpan().SequenceEqual(actual.Shape),
            $"{what}: expected shape [{string.Join(", ", expected.Shape)}], got [{string.Join(", ", actual.Shape)}]");
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
        {
            bool same = e[i] == a[i] || (double.IsNaN(e[i]) && double.IsNaN(a[i]));
            if (!same && !(Math.Abs(e[i] - a[i]) <= atol + rtol * Math.Abs(e[i])))
            {
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}: element {i} expected {e[i]:R}, got {a[i]:R} (difference {Math.Abs(e[i] - a[i]):G3})"));
            }
        }
    }

    public static void Close(double[] expected, Tensor actual, double atol = 1e-10) =>
        Close(MiniTorch.Tensor.FromArray(expected, actual.Shape), actual, atol, 0);
}
