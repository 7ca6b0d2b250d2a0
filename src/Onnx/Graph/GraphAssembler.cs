using Onnx;

namespace MiniTorch.Onnx;

/// <summary>
/// Turns a resolved trace into an ONNX model: graph inputs for the traced inputs, named initializers for parameters
/// and buffers, anonymous initializers for constants, one lowering per live op, and graph outputs.
/// </summary>
internal sealed class GraphAssembler
{
    private readonly ResolvedTrace _trace;
    private readonly TraceMatcher _matcher;
    private readonly Dictionary<Tensor, string> _named;
    private readonly GraphBuilder _graph = new();
    private readonly Dictionary<Tensor, string> _outputNames = new(ReferenceEqualityComparer.Instance);
    private int _constants;

    private readonly PluginOpResolver? _pluginOps;

    public GraphAssembler(ResolvedTrace trace, TraceMatcher matcher, IEnumerable<(string Name, Tensor Tensor)> named, PluginOpResolver? pluginOps = null)
    {
        _pluginOps = pluginOps;
        _trace = trace;
        _matcher = matcher;
        _named = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, tensor) in named)
        {
            // A tensor registered under two names (tied weights) is written once, under its first name.
            _named.TryAdd(tensor, name);
        }
    }

    public ModelProto Build(string graphName, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames)
    {
        var captured = _trace.Captured;
        var graph = new GraphProto { Name = graphName };
        for (int i = 0; i < captured.Inputs.Length; i++)
        {
            var input = captured.Inputs[i];
            if (_graph.TryGetValue(input, out _))
            {
                throw new OnnxExportException($"ONNX export: input {i} is the same tensor as an earlier input; pass distinct tensors.");
            }
            var value = _graph.Add(new GraphValue(_graph.Reserve(inputNames[i], "input"), ValueKind.Input, input, _matcher.SecondShapeOf(input)));
            graph.Input.Add(ProtoFactory.Value(value.Name, value.DType, value.Shape, DimNames(value)));
        }
        ReserveOutputNames(outputNames);
        foreach (var op in _trace.Live)
        {
            Lower(op, outputNames);
        }
        for (int i = 0; i < captured.Outputs.Length; i++)
        {
            var value = ValueOf(captured.Outputs[i]);
            if (value.Name != outputNames[i])
            {
                // An output that is an input, a parameter, a constant, or a repeat of another output gets its own name.
                _graph.Nodes.Add(ProtoFactory.Node("Identity", _graph.UniqueName(outputNames[i] + "/Identity"), [value.Name], [outputNames[i]], []));
            }
            graph.Output.Add(ProtoFactory.Value(outputNames[i], value.DType, value.Shape, DimNames(value)));
        }
        graph.Node.AddRange(_graph.Nodes);
        graph.Initializer.AddRange(_graph.Initializers);
        var model = new ModelProto
        {
            IrVersion = OnnxModel.IrVersion,
            ProducerName = "MiniTorch",
            ProducerVersion = typeof(GraphAssembler).Assembly.GetName().Version?.ToString(3) ?? "",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxModel.OpsetVersion });
        foreach (var ((domain, _), (proto, version, _)) in _graph.Functions.OrderBy(f => f.Key.Domain, StringComparer.Ordinal).ThenBy(f => f.Key.Name, StringComparer.Ordinal))
        {
            model.Functions.Add(proto);
            if (!model.OpsetImport.Any(o => o.Domain == domain))
            {
                model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
            }
        }
        foreach (var (key, value) in _graph.Metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        return model;
    }

    /// <summary>An output produced by an op takes the output's name directly, so the graph needs no Identity for it.</summary>
    private void ReserveOutputNames(IReadOnlyList<string> outputNames)
    {
        var outputs = _trace.Captured.Outputs;
        for (int i = 0; i < outputs.Length; i++)
        {
            _graph.Reserve(outputNames[i], "output");
            if (_trace.ProducerOf(outputs[i]) is not null)
            {
                _outputNames.TryAdd(outputs[i], outputNames[i]);
            }
        }
    }

    private void Lower(TracedOp op, IReadOnlyList<string> outputNames)
    {
        foreach (var input in op.Inputs)
        {
            if (input is not null)
            {
                ValueOf(input);
            }
        }
        // Not claimed here: the lowering's first node takes this name (op indices keep it unique).
        string nodeName = op.Scope.Length == 0 ? $"{op.Name}_{op.Index}" : $"{op.Scope}/{op.Name}_{op.Index}";
        for (int k = 0; k < op.Outputs.Count; k++)
        {
            var output = op.Outputs[k];
            string name = _outputNames.TryGetValue(output, out var reserved) && !_graph.TryGetValue(output, out _)
                ? reserved
                : _graph.UniqueName(op.Outputs.Count == 1 ? nodeName + "/output" : $"{nodeName}/output_{k}");
            _graph.Add(new GraphValue(name, ValueKind.OpOutput, output, _matcher.SecondShapeOf(output)));
        }
        var lowering = OnnxOpRegistry.Find(op, _pluginOps);
        int before = _graph.Nodes.Count;
        lowering(new OnnxLoweringContext(_graph, op, nodeName));
        var produced = _graph.Nodes.Skip(before).SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        for (int k = 0; k < op.Outputs.Count; k++)
        {
            if (!produced.Contains(_graph[op.Outputs[k]].Name))
            {
                throw new OnnxExportException($"ONNX export: the lowering of {op.Describe()} did not produce output {k} ('{_graph[op.Outputs[k]].Name}'); a lowering must name its final nodes' outputs with context.Output(k).");
            }
        }
    }

    /// <summary>The graph value of a tensor, creating an initializer the first time a parameter or constant is read.</summary>
    private GraphValue ValueOf(Tensor tensor)
    {
        if (_graph.TryGetValue(tensor, out var value))
        {
            return value;
        }
        if (_trace.ProducerOf(tensor) is not null)
        {
            throw new InvalidOperationException("GraphAssembler: an op output was read before its producer was lowered.");
        }
        string name;
        ValueKind kind;
        if (_named.TryGetValue(tensor, out var parameterName))
        {
            name = _graph.Reserve(parameterName, "parameter");
            kind = ValueKind.Parameter;
        }
        else
        {
            name = _graph.UniqueName($"constant_{_constants++}");
            kind = ValueKind.Constant;
        }
        _graph.AddInitializer(ProtoFactory.Tensor(name, tensor));
        return _graph.Add(new GraphValue(name, kind, tensor, _matcher.SecondShapeOf(tensor)));
    }

    /// <summary>The symbolic names of a graph input's or output's dims: "batch" for the batch, "" for another batch-following dim, null for fixed.</summary>
    private string?[] DimNames(GraphValue value)
    {
        var names = new string?[value.Rank];
        var batchInput = _trace.Captured.Inputs.FirstOrDefault(t => t.Rank > 0);
        int batch = batchInput?.Size(0) ?? -1;
        int secondBatch = batchInput is null ? -1 : _matcher.SecondShapeOf(batchInput)[0];
        for (int d = 0; d < value.Rank; d++)
        {
            if (value.IsDynamic(d))
            {
                names[d] = value.Shape[d] == batch && value.SecondShape[d] == secondBatch ? "batch" : "";
            }
        }
        return names;
    }
}
