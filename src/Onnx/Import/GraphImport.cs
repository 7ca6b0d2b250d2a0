using Onnx;

namespace MiniTorch.Onnx;

/// <summary>
/// Imports one graph: reads the initializers, imports every node through <see cref="ImportOps"/> (collecting every
/// unsupported node into one error), registers the weights no layer took, and hands the plan to the module.
/// </summary>
internal sealed class GraphImport
{
    private readonly GraphProto _graph;
    private readonly Dictionary<string, ImportedValue> _constants = new(StringComparer.Ordinal);
    private readonly HashSet<string> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Path, bool IsParameter)> _claims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _readers = new(StringComparer.Ordinal);
    private readonly HashSet<NodeProto> _absorbed = new(ReferenceEqualityComparer.Instance);
    private readonly OnnxGraphModule _module;
    private readonly ImportedModelInfo _model;
    private readonly IReadOnlyList<IOnnxCustomOps> _customOps;

    public GraphImport(GraphProto graph, long opset, string source, OnnxImportOptions options, ImportedModelInfo model)
    {
        _graph = graph;
        _model = model;
        _customOps = options.CustomOps;
        Opset = opset;
        Source = source;
        _module = new OnnxGraphModule(source, opset, options.DynamicBatch);
        Namer = new ModuleNamer(_module);
    }

    public long Opset { get; }

    public string Source { get; }

    public ModuleNamer Namer { get; }

    public OnnxGraphModule Import()
    {
        foreach (var initializer in _graph.Initializer)
        {
            if (!_initializers.Add(initializer.Name))
            {
                throw new OnnxImportException($"ONNX import ({Source}): initializer '{initializer.Name}' is defined twice.");
            }
            _constants[initializer.Name] = TensorProtoReader.Read(initializer, Source, "initializer");
        }
        foreach (var node in _graph.Node)
        {
            foreach (var output in node.Output)
            {
                if (output.Length > 0 && !_producers.TryAdd(output, node))
                {
                    throw new OnnxImportException($"ONNX import ({Source}): value '{output}' is produced by two nodes; the graph is not valid ONNX (SSA).");
                }
            }
            foreach (var input in node.Input)
            {
                if (input.Length > 0)
                {
                    _readers[input] = _readers.GetValueOrDefault(input) + 1;
                }
            }
        }
        foreach (var output in _graph.Output)
        {
            _readers[output.Name] = _readers.GetValueOrDefault(output.Name) + 1000; // a graph output is never fused away
        }

        var inputs = _graph.Input.Where(i => !_initializers.Contains(i.Name)).ToList();
        var defined = new HashSet<string>(inputs.Select(i => i.Name), StringComparer.Ordinal);
        defined.UnionWith(_initializers);
        var steps = new List<GraphStep>();
        var problems = new List<string>();
        for (int index = 0; index < _graph.Node.Count; index++)
        {
            var node = _graph.Node[index];
            foreach (var input in node.Input)
            {
                if (input.Length > 0 && !defined.Contains(input))
                {
                    throw new OnnxImportException($"ONNX import ({Source}): {DescribeNode(node, index, Opset)} reads '{input}', which no earlier node, graph input or initializer defines; the graph is not in topological order or is corrupt.");
                }
            }
            defined.UnionWith(node.Output.Where(o => o.Length > 0));
            if (_absorbed.Contains(node))
            {
                continue;
            }
            bool custom = IsCustomDomain(node);
            OnnxOpImporter? entry = null;
            if (!custom && !ImportOps.Table.TryGetValue(node.OpType, out entry))
            {
                problems.Add($"{DescribeNode(node, index, Opset)}: operator not supported");
                continue;
            }
            try
            {
                var context = new NodeImportContext(this, node, index);
                if (custom)
                {
                    // A custom domain's op comes from a source in OnnxImportOptions.CustomOps (by default, loaded plugins).
                    steps.Add(new GraphStep(node, index, context.Inputs, context.Outputs, CustomNodeImport.Import(context, _model, _customOps, Source)));
                    continue;
                }
                if (node.OpType == "Constant")
                {
                    _constants[node.Output[0]] = ImportOps.ConstantValue(context, Source);
                    continue;
                }
                var kernel = entry!(context);
                steps.Add(new GraphStep(node, index, context.Inputs, context.Outputs, kernel));
            }
            catch (UnsupportedNodeException e)
            {
                problems.Add($"{DescribeNode(node, index, Opset)}: {e.Message}");
            }
        }
        steps.RemoveAll(s => _absorbed.Contains(s.Node)); // e.g. a weight's Transpose taken into a Linear
        if (problems.Count > 0)
        {
            throw new OnnxImportException($"ONNX import ({Source}): {problems.Count} node(s) cannot be imported:" + Environment.NewLine +
                string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
        }
        foreach (var output in _graph.Output)
        {
            if (!defined.Contains(output.Name))
            {
                throw new OnnxImportException($"ONNX import ({Source}): graph output '{output.Name}' is not computed by any node.");
            }
        }
        RegisterLooseWeights(steps);
        _module.Complete(
            [.. inputs.Select(i => GraphInput.From(i, Source))],
            [.. _graph.Output.Select(o => o.Name)],
            steps,
            _constants,
            _claims);
        return _module;
    }

    /// <summary>Float initializers no layer took become parameters (or, if they are scalars, buffers) under their own names.</summary>
    private void RegisterLooseWeights(List<GraphStep> steps)
    {
        var read = new HashSet<string>(steps.SelectMany(s => s.Inputs), StringComparer.Ordinal);
        read.UnionWith(_graph.Output.Select(o => o.Name));
        foreach (var initializer in _graph.Initializer)
        {
            string name = initializer.Name;
            if (_claims.ContainsKey(name) || !read.Contains(name))
            {
                continue;
            }
            var value = _constants[name];
            if (value.IsFloat)
            {
                bool parameter = value.Data.Numel > 1;
                _claims[name] = (Namer.AddTensor(name, value.Data, parameter), parameter);
            }
        }
    }

    public bool IsInitializer(string name) => _initializers.Contains(name);

    public ImportedValue? ConstantOf(string name) => _constants.TryGetValue(name, out var value) ? value : null;

    public Tensor Claim(string initializer, string path, bool isParameter)
    {
        _claims[initializer] = (path, isParameter);
        return _constants[initializer].Data;
    }

    public NodeProto? Producer(string value) => _producers.GetValueOrDefault(value);

    public NodeProto? SoleConsumer(string value)
    {
        if (_readers.GetValueOrDefault(value) != 1)
        {
            return null;
        }
        foreach (var node in _graph.Node)
        {
            if (node.Input.Contains(value))
            {
                return node;
            }
        }
        return null;
    }

    public void Absorb(NodeProto node) => _absorbed.Add(node);

    private static bool IsCustomDomain(NodeProto node) => node.Domain.Length > 0 && node.Domain != "ai.onnx";

    /// <summary>The node for messages: <c>Conv node 'conv1' (#3, opset 13)</c>, <c>activations::softplus node '2/activations::softplus_8' (#2, opset 21)</c>.</summary>
    public static string DescribeNode(NodeProto node, int index, long opset) =>
        $"{(IsCustomDomain(node) ? node.Domain + "::" : "")}{node.OpType} node '{(node.Name.Length > 0 ? node.Name : "(unnamed)")}' (#{index}, opset {opset})";
}

/// <summary>One imported node: its ONNX inputs and the outputs its kernel writes.</summary>
internal sealed record GraphStep(NodeProto Node, int Index, string[] Inputs, string[] Outputs, NodeKernel Kernel);
