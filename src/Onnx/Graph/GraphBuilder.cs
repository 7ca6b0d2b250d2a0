using Onnx;

namespace MiniTorch.Onnx;

/// <summary>The ONNX graph being assembled: unique names, values by traced tensor, nodes and initializers.</summary>
internal sealed class GraphBuilder
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<Tensor, GraphValue> _values = new(ReferenceEqualityComparer.Instance);

    public List<NodeProto> Nodes { get; } = [];

    public List<TensorProto> Initializers { get; } = [];

    /// <summary>The FunctionProtos of custom-domain nodes (plugin ops lowered as functions), by domain and name.</summary>
    public Dictionary<(string Domain, string Name), (FunctionProto Proto, int DomainVersion, string Owner)> Functions { get; } = [];

    /// <summary>The model's metadata_props: for each plugin op written as a function, the plugin it came from (PluginOnnxOps.MetadataPrefix).</summary>
    public SortedDictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    public GraphValue this[Tensor tensor] => _values[tensor];

    public bool TryGetValue(Tensor tensor, out GraphValue value) => _values.TryGetValue(tensor, out value!);

    /// <summary>Registers a value; its name must have been taken with <see cref="UniqueName"/> or <see cref="Reserve"/>.</summary>
    public GraphValue Add(GraphValue value)
    {
        _values.Add(value.Tensor, value);
        return value;
    }

    /// <summary>Claims an exact name (an input, output or parameter name), failing if it is taken.</summary>
    public string Reserve(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || !_names.Add(name))
        {
            throw new OnnxExportException($"ONNX export: the {what} name '{name}' is empty or already used in the graph; every input, output and parameter needs its own name.");
        }
        return name;
    }

    /// <summary><paramref name="hint"/> if free, else hint_1, hint_2, …</summary>
    public string UniqueName(string hint)
    {
        if (_names.Add(hint))
        {
            return hint;
        }
        for (int i = 1; ; i++)
        {
            string candidate = $"{hint}_{i}";
            if (_names.Add(candidate))
            {
                return candidate;
            }
        }
    }

    public string AddInitializer(TensorProto tensor)
    {
        Initializers.Add(tensor);
        return tensor.Name;
    }
}
