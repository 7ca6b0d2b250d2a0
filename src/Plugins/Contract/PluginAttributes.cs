using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MiniTorch.Plugins;

/// <summary>
/// The scalar settings of one op or module call, such as Softplus's <c>beta</c> and <c>threshold</c>: the
/// definition's defaults with the caller's values laid over them. Reading a name the definition does not declare
/// throws, naming the declared ones, so a typo never reads as a silent default.
/// Not the core's <see cref="OpAttributes"/>: those are the recorded arguments of a traced op (ints, doubles, flags,
/// strings, int arrays, nulls) with no declaration behind them; these are numbers checked against a plugin's
/// declaration. A plugin op's trace carries them as OpAttributes (docs/design.md, "Names").
/// </summary>
public sealed class PluginAttributes : IReadOnlyDictionary<string, double>
{
    private readonly Dictionary<string, double> _values;
    private readonly string _owner;

    private PluginAttributes(string owner, Dictionary<string, double> values)
    {
        _owner = owner;
        _values = values;
    }

    /// <summary>The value of attribute <paramref name="name"/>.</summary>
    public double this[string name] => TryGetValue(name, out double value)
        ? value
        : throw new KeyNotFoundException($"{_owner} has no attribute '{name}'; its attributes are: {Describe(_values.Keys)}.");

    /// <inheritdoc />
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc />
    public IEnumerable<double> Values => _values.Values;

    /// <inheritdoc />
    public int Count => _values.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value) => _values.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The attributes as <c>beta=2, threshold=20</c>, in name order.</summary>
    public override string ToString() =>
        string.Join(", ", _values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value:R}")));

    /// <summary>
    /// Lays <paramref name="given"/> over <paramref name="defaults"/>. Every given name must be declared (a default
    /// or a required name) and every required name must be given; <paramref name="owner"/> names the op or module in errors.
    /// </summary>
    internal static PluginAttributes Merge(string owner, IReadOnlyDictionary<string, double> defaults, IReadOnlyList<string> required, IReadOnlyDictionary<string, double>? given)
    {
        var values = new Dictionary<string, double>(defaults, StringComparer.Ordinal);
        if (given is not null)
        {
            foreach (var (name, value) in given)
            {
                if (!defaults.ContainsKey(name) && !required.Contains(name))
                {
                    throw new ArgumentException($"{owner} has no attribute '{name}'; its attributes are: {Describe(defaults.Keys.Concat(required))}.", nameof(given));
                }
                values[name] = value;
            }
        }
        var missing = required.Where(r => !values.ContainsKey(r)).ToArray();
        if (missing.Length > 0)
        {
            throw new ArgumentException($"{owner} needs the attribute{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))}; pass {(missing.Length > 1 ? "them" : "it")} in the attributes.", nameof(given));
        }
        return new PluginAttributes(owner, values);
    }

    private static string Describe(IEnumerable<string> names)
    {
        var list = names.Order(StringComparer.Ordinal).ToArray();
        return list.Length == 0 ? "(none)" : string.Join(", ", list);
    }
}
