using MiniTorch.NN;
using Onnx;

namespace MiniTorch.Onnx;

/// <summary>Runs one imported node on its input values (null for an absent optional input) and returns its outputs in order.</summary>
internal delegate ImportedValue[] NodeKernel(ImportedValue?[] inputs, GraphRun run);

/// <summary>Turns one ONNX node into a kernel (and, for layers, a submodule), or throws <see cref="UnsupportedNodeException"/>.</summary>
internal delegate NodeKernel OnnxOpImporter(NodeImportContext context);

/// <summary>The state of one forward of an imported graph that kernels may need: the batch size against the declared one.</summary>
internal sealed class GraphRun
{
    public GraphRun(int declaredBatch, int batch)
    {
        DeclaredBatch = declaredBatch;
        Batch = batch;
    }

    /// <summary>The fixed dim 0 of the graph's first input (−1 if symbolic or absent).</summary>
    public int DeclaredBatch { get; }

    /// <summary>The actual dim 0 of the first input in this run.</summary>
    public int Batch { get; }

    /// <summary>Whether this run's batch differs from the fixed one the graph was exported with.</summary>
    public bool BatchFollowed => DeclaredBatch > 0 && Batch != DeclaredBatch;
}

/// <summary>A node the importer cannot run; collected so one error lists every such node.</summary>
internal sealed class UnsupportedNodeException(string reason) : Exception(reason);

/// <summary>
/// What an <see cref="OnnxOpImporter"/> sees while importing a node: the node, the opset, its attributes with the
/// ONNX defaults, constant inputs (initializers and Constant nodes), the graph around it (for fusing MatMul + Add into
/// a Linear), and the module tree it adds layers to.
/// </summary>
internal sealed class NodeImportContext
{
    private readonly GraphImport _graph;

    public NodeImportContext(GraphImport graph, NodeProto node, int index)
    {
        _graph = graph;
        Node = node;
        Index = index;
        Outputs = [.. node.Output];
        Inputs = [.. node.Input];
    }

    /// <summary>The values the kernel reads, in order; a layer reads only its data input (it owns its weights).</summary>
    public string[] Inputs { get; set; }

    /// <summary>Marks this node as a layer: the kernel receives only input 0, the weights being the layer's own.</summary>
    public void ReadsOnlyData() => Inputs = [Node.Input[0]];

    public NodeProto Node { get; }

    public int Index { get; }

    public long Opset => _graph.Opset;

    public string OpType => Node.OpType;

    /// <summary>The names the kernel's outputs are stored under; a fused node replaces them with the last fused node's.</summary>
    public string[] Outputs { get; set; }

    public int InputCount => Node.Input.Count;

    public bool HasInput(int i) => i < Node.Input.Count && Node.Input[i].Length > 0;

    public bool HasOutput(int i) => i < Node.Output.Count && Node.Output[i].Length > 0;

    /// <summary>The input's value if it is known at import time (an initializer or a Constant node's output).</summary>
    public ImportedValue? Constant(int i) => HasInput(i) ? _graph.ConstantOf(Node.Input[i]) : null;

    /// <summary>Whether input <paramref name="i"/> is an initializer (a weight the module can own).</summary>
    public bool IsInitializer(int i) => HasInput(i) && _graph.IsInitializer(Node.Input[i]);

    public string InputName(int i) => Node.Input[i];

    public ImportedValue? ConstantNamed(string name) => _graph.ConstantOf(name);

    public bool IsInitializerNamed(string name) => _graph.IsInitializer(name);

    public Tensor ClaimNamed(string name, string path, bool isParameter = true) => _graph.Claim(name, path, isParameter);

    /// <summary>The Add node fused into this MatMul as a Linear's bias, if any.</summary>
    public NodeProto? FusedAdd { get; set; }

    /// <summary>Adds a layer named after the initializer <paramref name="weightName"/> or this node.</summary>
    public string AddLayerNamed(Module layer, string kind, string weightName)
    {
        var path = ModuleNamer.LayerPath(weightName, Node.Name, OpType, kind, _graph.Namer.Unnamed);
        return _graph.Namer.AddModule(path, layer);
    }

    /// <summary>Takes initializer input <paramref name="i"/> into a layer: it is not registered again as a loose weight.</summary>
    public Tensor Claim(int i, string path, bool isParameter = true) => _graph.Claim(Node.Input[i], path, isParameter);

    /// <summary>Adds a layer under a PyTorch-like path derived from the weight's or node's name; returns the dotted path.</summary>
    public string AddLayer(Module layer, string kind, int weightInput)
    {
        string? weightName = HasInput(weightInput) ? Node.Input[weightInput] : null;
        var path = ModuleNamer.LayerPath(weightName, Node.Name, OpType, kind, _graph.Namer.Unnamed);
        return _graph.Namer.AddModule(path, layer);
    }

    /// <summary>The single node reading <paramref name="value"/>, if exactly one reads it and it is not a graph output.</summary>
    public NodeProto? SoleConsumer(string value) => _graph.SoleConsumer(value);

    public NodeProto? Producer(string value) => _graph.Producer(value);

    /// <summary>Marks a node as computed by this one (it is not imported on its own).</summary>
    public void Absorb(NodeProto node) => _graph.Absorb(node);

    public bool HasAttribute(string name) => Node.Attribute.Any(a => a.Name == name);

    public long Int(string name, long fallback) => Find(name) is { } a ? a.I : fallback;

    public float Float(string name, float fallback) => Find(name) is { } a ? a.F : fallback;

    public string String(string name, string fallback) => Find(name) is { } a ? a.S.ToStringUtf8() : fallback;

    public long[]? Ints(string name) => Find(name) is { } a ? [.. a.Ints] : null;

    public float[]? Floats(string name) => Find(name) is { } a ? [.. a.Floats] : null;

    public AttributeProto? Find(string name)
    {
        foreach (var a in Node.Attribute)
        {
            if (a.Name == name)
            {
                return a;
            }
        }
        return null;
    }

    /// <summary>Refuses an attribute other than the listed ones (an unknown attribute may change the result).</summary>
    public void OnlyAttributes(params string[] known)
    {
        foreach (var a in Node.Attribute)
        {
            if (Array.IndexOf(known, a.Name) < 0)
            {
                throw Unsupported($"attribute '{a.Name}' is not supported");
            }
        }
    }

    /// <summary>Refuses extra outputs the importer does not compute (e.g. MaxPool's indices).</summary>
    public void OnlyOutputs(int count, string what)
    {
        for (int i = count; i < Node.Output.Count; i++)
        {
            if (Node.Output[i].Length > 0)
            {
                throw Unsupported($"output {i} ({what}) is not supported");
            }
        }
    }

    public UnsupportedNodeException Unsupported(string reason) => new(reason);

    /// <summary>The source and the node, for messages: <c>Conv node 'conv1' (#3, opset 13)</c>.</summary>
    public string Describe() => GraphImport.DescribeNode(Node, Index, Opset);
}
