using MiniTorch.NN;

namespace MiniTorch.Onnx;

/// <summary>
/// An imported ONNX graph as a MiniTorch module (see <see cref="OnnxImporter"/>): its parameters and buffers are the
/// graph's initializers (inside Conv2d, BatchNorm2d, Linear and LayerNorm submodules where a node maps onto one),
/// and its forward runs the graph's nodes in order with MiniTorch ops, so it is differentiable, trainable, freezable,
/// saveable with <see cref="Safetensors"/> and exportable again with <see cref="OnnxExporter"/>.
/// </summary>
/// <remarks>
/// Like any module it starts in training mode, where BatchNorm layers use batch statistics (PyTorch's rule); call
/// <c>Eval()</c> (or <c>Freeze()</c> on a backbone) to run it as ONNX Runtime does. Integer and boolean graph outputs
/// are returned as float64 tensors of whole numbers, MiniTorch's index convention.
/// </remarks>
public sealed class OnnxGraphModule : Module
{
    private readonly bool _dynamicBatch;
    private GraphInput[] _inputs = [];
    private string[] _outputs = [];
    private GraphStep[] _steps = [];
    private Dictionary<string, ImportedValue> _constants = [];
    private Dictionary<string, (string Path, bool IsParameter)> _weights = [];
    private Dictionary<string, int> _lastUse = [];

    internal OnnxGraphModule(string source, long opset, bool dynamicBatch)
    {
        Source = source;
        OpsetVersion = opset;
        _dynamicBatch = dynamicBatch;
    }

    /// <summary>Where the graph came from (a file path or <see cref="OnnxImportOptions.SourceName"/>).</summary>
    public string Source { get; }

    /// <summary>The version of the default ONNX operator set the graph was written for.</summary>
    public long OpsetVersion { get; }

    /// <summary>The graph inputs' names, in the order <see cref="Run"/> takes them.</summary>
    public IReadOnlyList<string> InputNames => [.. _inputs.Select(i => i.Name)];

    /// <summary>The graph outputs' names, in the order <see cref="Run"/> returns them.</summary>
    public IReadOnlyList<string> OutputNames => _outputs;

    /// <summary>How many nodes run in a forward (after Constant nodes were folded and MatMul + Add fused into Linear layers).</summary>
    public int NodeCount => _steps.Length;

    internal void Complete(GraphInput[] inputs, string[] outputs, List<GraphStep> steps, Dictionary<string, ImportedValue> constants, Dictionary<string, (string Path, bool IsParameter)> weights)
    {
        _inputs = inputs;
        _outputs = outputs;
        _steps = [.. steps];
        _constants = constants;
        _weights = weights;
        // Values are dropped after their last reader, so a forward without grad holds few activations at once.
        _lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _steps.Length; i++)
        {
            foreach (var name in _steps[i].Inputs)
            {
                _lastUse[name] = i;
            }
        }
        foreach (var name in outputs)
        {
            _lastUse[name] = int.MaxValue;
        }
    }

    /// <summary>Runs a graph of one input and one output.</summary>
    protected override Tensor Forward(Tensor input)
    {
        if (_inputs.Length != 1 || _outputs.Length != 1)
        {
            throw new InvalidOperationException($"OnnxGraphModule ({Source}): the graph has {_inputs.Length} inputs and {_outputs.Length} outputs; call Run(inputs) for a graph that is not one input to one output.");
        }
        return Run(input)[0];
    }

    /// <summary>Runs the graph on one tensor per graph input (in <see cref="InputNames"/> order) and returns its outputs in <see cref="OutputNames"/> order.</summary>
    public Tensor[] Run(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length != _inputs.Length)
        {
            throw new ArgumentException($"OnnxGraphModule ({Source}): the graph has {_inputs.Length} inputs ({string.Join(", ", InputNames)}), got {inputs.Length} tensors.", nameof(inputs));
        }
        var values = new Dictionary<string, ImportedValue>(StringComparer.Ordinal);
        int declaredBatch = -1, batch = -1;
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"OnnxGraphModule ({Source}): input {i} is null.");
            var spec = _inputs[i];
            CheckInput(spec, x);
            if (i == 0 && x.Rank > 0)
            {
                declaredBatch = spec.Dims is { Length: > 0 } d && d[0] is long b ? (int)b : -1;
                batch = x.Size(0);
            }
            values[spec.Name] = spec.Element is OnnxElement.Float or OnnxElement.Double ? ImportedValue.FromFloat(x) : new ImportedValue(x.To(DType.Float64), spec.Element);
        }
        var run = new GraphRun(_dynamicBatch ? declaredBatch : -1, batch);
        for (int s = 0; s < _steps.Length; s++)
        {
            var step = _steps[s];
            var arguments = new ImportedValue?[step.Inputs.Length];
            for (int k = 0; k < arguments.Length; k++)
            {
                string name = step.Inputs[k];
                arguments[k] = name.Length == 0 ? null : Resolve(name, values);
            }
            ImportedValue[] results;
            try
            {
                results = step.Kernel(arguments, run);
            }
            catch (Exception e) when (e is not OnnxImportException and not OutOfMemoryException)
            {
                string shapes = string.Join(", ", arguments.Select(a => a is { } v ? OnnxShapes.Format(v.Shape) : "none"));
                throw new OnnxImportException($"OnnxGraphModule ({Source}): {GraphImport.DescribeNode(step.Node, step.Index, OpsetVersion)} failed on inputs of shape {shapes}: {e.Message}", e);
            }
            for (int k = 0; k < step.Outputs.Length && k < results.Length; k++)
            {
                if (step.Outputs[k].Length > 0)
                {
                    values[step.Outputs[k]] = results[k];
                }
            }
            foreach (var name in step.Inputs)
            {
                if (name.Length > 0 && _lastUse.GetValueOrDefault(name) == s)
                {
                    values.Remove(name);
                }
            }
        }
        var outputs = new Tensor[_outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = Resolve(_outputs[i], values).ToOwnDType();
        }
        return outputs;
    }

    private ImportedValue Resolve(string name, Dictionary<string, ImportedValue> values)
    {
        if (values.TryGetValue(name, out var value))
        {
            return value;
        }
        if (_weights.TryGetValue(name, out var weight))
        {
            // Read through the registry each time, so To(dtype), SetParameter and loading a state dict take effect.
            var tensor = (weight.IsParameter ? GetParameter(weight.Path) : GetBuffer(weight.Path))
                ?? throw new InvalidOperationException($"OnnxGraphModule ({Source}): weight '{weight.Path}' (initializer '{name}') was set to null.");
            return ImportedValue.FromFloat(tensor);
        }
        if (_constants.TryGetValue(name, out var constant))
        {
            return constant;
        }
        throw new InvalidOperationException($"OnnxGraphModule ({Source}): value '{name}' was read before it was computed.");
    }

    private void CheckInput(GraphInput spec, Tensor x)
    {
        if (spec.Dims is not { } dims)
        {
            return;
        }
        bool ok = dims.Length == x.Rank;
        for (int d = 0; ok && d < dims.Length; d++)
        {
            if (dims[d] is long size && size != x.Size(d) && !(d == 0 && _dynamicBatch))
            {
                ok = false;
            }
        }
        if (!ok)
        {
            string batchNote = _dynamicBatch ? " (dim 0 is the batch and may differ)" : " (DynamicBatch is off: dim 0 must match too)";
            throw new OnnxImportException($"OnnxGraphModule ({Source}): input '{spec.Name}' is declared {spec.Format()}{batchNote}, got a tensor of shape {OnnxShapes.Format(x.Shape)}.");
        }
    }
}
