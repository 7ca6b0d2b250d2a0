using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace MiniTorch.OpDatabase;

/// <summary>
/// The non-tensor arguments of one op call (dim, keepdim, p, slope, bounds, index tensors, ...), in the order they
/// were given. The names are the golden generator's parameter names (snake_case, as PyTorch spells its keywords), so
/// the same <see cref="OpInfo.Call"/> reads a table sample's arguments and a golden case's <c>params</c>.
/// Values are null, <c>bool</c>, <c>int</c>, <c>double</c>, <c>string</c>, <c>int[]</c>, a <see cref="TensorValue"/>
/// (an index tensor, a condition) or a list of <see cref="OpArgs"/> (the items of an indexing expression).
/// </summary>
public sealed class OpArgs : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _items = [];

    /// <summary>No arguments.</summary>
    public static OpArgs None => new();

    /// <summary>The number of arguments.</summary>
    public int Count => _items.Count;

    /// <summary>Adds an argument (collection initializer).</summary>
    public void Add(string name, object? value)
    {
        if (value is not (null or bool or int or double or string or int[] or TensorValue or IReadOnlyList<OpArgs>))
        {
            throw new ArgumentException($"OpArgs: '{name}' has a value of type {value.GetType().Name}.", nameof(value));
        }
        if (Contains(name))
        {
            throw new ArgumentException($"OpArgs: '{name}' is given twice.", nameof(name));
        }
        _items.Add(new(name, value));
    }

    /// <summary>Whether an argument of this name is present (it may hold null).</summary>
    public bool Contains(string name) => _items.Exists(kv => kv.Key == name);

    /// <summary>An int argument.</summary>
    public int Int(string name) => Get(name) is int i ? i : throw Wrong(name, "an int");

    /// <summary>An int argument that may be absent or null.</summary>
    public int? NullableInt(string name) => Find(name) is null ? null : Int(name);

    /// <summary>A bool argument.</summary>
    public bool Bool(string name) => Get(name) is bool b ? b : throw Wrong(name, "a bool");

    /// <summary>A number argument (an int is widened; "inf" is infinity, as PyTorch's float("inf")).</summary>
    public double Double(string name) => Get(name) switch
    {
        double d => d,
        int i => i,
        "inf" => double.PositiveInfinity,
        _ => throw Wrong(name, "a number"),
    };

    /// <summary>A number argument that may be absent or null (an absent bound).</summary>
    public double? NullableDouble(string name) => Find(name) is null ? null : Double(name);

    /// <summary>An int[] argument.</summary>
    public int[] Ints(string name) => Get(name) is int[] a ? (int[])a.Clone() : throw Wrong(name, "an int[]");

    /// <summary>An int[] argument that may be absent or null (null = all dims).</summary>
    public int[]? NullableInts(string name) => Find(name) is null ? null : Ints(name);

    /// <summary>A tensor-valued argument as a float64 tensor without grad.</summary>
    public Tensor Tensor(string name) => Get(name) is TensorValue t ? t.ToTensor() : throw Wrong(name, "a tensor");

    /// <summary>A list of argument sets (the items of an indexing expression).</summary>
    public IReadOnlyList<OpArgs> List(string name) => Get(name) is IReadOnlyList<OpArgs> l ? l : throw Wrong(name, "a list");

    /// <summary>A string argument.</summary>
    public string String(string name) => Get(name) is string s ? s : throw Wrong(name, "a string");

    /// <summary>The raw value of an argument, null when absent.</summary>
    public object? Find(string name)
    {
        foreach (var (key, value) in _items)
        {
            if (key == name)
            {
                return value;
            }
        }
        return null;
    }

    /// <summary>Reads a golden case's <c>params</c> object (numbers without a fraction or exponent are ints).</summary>
    public static OpArgs FromJson(JsonElement element)
    {
        var args = new OpArgs();
        foreach (var p in element.EnumerateObject())
        {
            args.Add(p.Name, Value(p.Value));
        }
        return args;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => ManifestJson.Format(this);

    private object? Get(string name) =>
        Contains(name) ? Find(name) : throw new KeyNotFoundException($"OpArgs: no argument '{name}'; present: {this}.");

    private InvalidCastException Wrong(string name, string kind) => new($"OpArgs: '{name}' is not {kind}: {this}.");

    private static object? Value(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => IsInteger(v) ? (object)v.GetInt32() : v.GetDouble(),
        JsonValueKind.Object when v.TryGetProperty("shape", out var shape) && v.TryGetProperty("values", out var values) =>
            new TensorValue([.. shape.EnumerateArray().Select(x => x.GetInt32())], [.. values.EnumerateArray().Select(Number)])
            {
                DType = v.TryGetProperty("dtype", out var dtype) ? TensorValue.ParseDType(dtype.GetString()!) : DType.Float64,
            },
        JsonValueKind.Object => FromJson(v),
        JsonValueKind.Array when v.GetArrayLength() > 0 && v.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Object) =>
            (IReadOnlyList<OpArgs>)[.. v.EnumerateArray().Select(FromJson)],
        JsonValueKind.Array => v.EnumerateArray().Select(x => x.GetInt32()).ToArray(),
        _ => throw new NotSupportedException($"OpArgs: JSON value {v}"),
    };

    private static bool IsInteger(JsonElement v)
    {
        string raw = v.GetRawText();
        return raw.IndexOfAny(['.', 'e', 'E']) < 0 && v.TryGetInt32(out _);
    }

    private static double Number(JsonElement x) =>
        x.ValueKind == JsonValueKind.String ? double.Parse(x.GetString()!, CultureInfo.InvariantCulture) : x.GetDouble();
}

/// <summary>A constant tensor argument (an index tensor, a mask, a condition): its shape, values (row-major) and dtype.</summary>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="Values">Its values, row-major.</param>
/// <param name="DType">Its dtype: Float64 (the default), Int64 for indices and class targets, Bool for masks.</param>
public sealed record TensorValue(int[] Shape, double[] Values, DType DType = DType.Float64)
{
    /// <summary>A tensor of these values in <see cref="DType"/>, without grad.</summary>
    public Tensor ToTensor() => DType switch
    {
        DType.Int64 => MiniTorch.Tensor.FromArray(Array.ConvertAll(Values, static v => (long)v), Shape),
        DType.Bool => MiniTorch.Tensor.FromArray(Array.ConvertAll(Values, static v => v != 0), Shape),
        _ => MiniTorch.Tensor.FromArray((double[])Values.Clone(), Shape),
    };

    /// <summary>The dtype a manifest names ("int64", "bool"; float64 is the default and unnamed).</summary>
    public static DType ParseDType(string name) => name switch
    {
        "int64" => DType.Int64,
        "bool" => DType.Bool,
        _ => DType.Float64,
    };
}
