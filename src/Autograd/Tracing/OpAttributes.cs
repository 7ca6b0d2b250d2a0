using System.Collections;
using System.Globalization;

namespace MiniTorch;

/// <summary>
/// The non-tensor arguments of a traced op by name (dims, flags, strides, scalars). Values are <c>int</c>,
/// <c>double</c>, <c>bool</c>, <c>string</c>, <c>int[]</c>, or null for an absent optional argument. Build one with a
/// collection initializer: <c>new OpAttributes { { "dim", 1 }, { "keepDim", false } }</c>.
/// </summary>
public sealed class OpAttributes : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    /// <summary>The empty set of attributes.</summary>
    public static OpAttributes None { get; } = new();

    /// <summary>The number of attributes.</summary>
    public int Count => _values.Count;

    /// <summary>Adds an attribute; the value must be one of the supported kinds.</summary>
    public void Add(string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (ReferenceEquals(this, None))
        {
            throw new InvalidOperationException("OpAttributes.None is shared and cannot be changed; create a new OpAttributes.");
        }
        if (value is not (null or int or double or bool or string or int[]))
        {
            throw new ArgumentException($"OpAttributes: attribute '{name}' has a value of type {value.GetType().Name}; use int, double, bool, string, int[] or null.", nameof(value));
        }
        _values.Add(name, value is int[] array ? array.AsSpan().ToArray() : value);
    }

    /// <summary>Whether an attribute of this name is present (it may hold null).</summary>
    public bool Contains(string name) => _values.ContainsKey(name);

    /// <summary>An int attribute.</summary>
    public int GetInt(string name) => Get<int>(name);

    /// <summary>A double attribute.</summary>
    public double GetDouble(string name) => Get<double>(name);

    /// <summary>A double attribute that may be null (an absent bound).</summary>
    public double? GetNullableDouble(string name) => Find(name) is { } v ? Cast<double>(name, v) : null;

    /// <summary>A bool attribute.</summary>
    public bool GetBool(string name) => Get<bool>(name);

    /// <summary>A string attribute.</summary>
    public string GetString(string name) => Get<string>(name);

    /// <summary>An int[] attribute (a copy).</summary>
    public int[] GetInts(string name) => (int[])Get<int[]>(name).Clone();

    /// <summary>Whether both hold the same names with equal values (arrays compared element by element).</summary>
    public bool ValueEquals(OpAttributes other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count != Count)
        {
            return false;
        }
        foreach (var (name, value) in _values)
        {
            if (!other._values.TryGetValue(name, out var theirs))
            {
                return false;
            }
            bool same = value is int[] a && theirs is int[] b ? a.AsSpan().SequenceEqual(b) : Equals(value, theirs);
            if (!same)
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() =>
        "{" + string.Join(", ", _values.Select(kv => $"{kv.Key}={Format(kv.Value)}")) + "}";

    private static string Format(object? value) => value switch
    {
        null => "null",
        int[] a => "[" + string.Join(", ", a) + "]",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => value.ToString() ?? "",
    };

    private T Get<T>(string name) =>
        Find(name) is { } v ? Cast<T>(name, v) : throw new KeyNotFoundException($"OpAttributes: attribute '{name}' is missing or null; present: {this}.");

    private object? Find(string name) =>
        _values.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"OpAttributes: no attribute '{name}'; present: {this}.");

    private static T Cast<T>(string name, object value) =>
        value is T t ? t : throw new InvalidCastException($"OpAttributes: attribute '{name}' holds {value.GetType().Name}, not {typeof(T).Name}.");
}
