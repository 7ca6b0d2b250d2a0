using Google.Protobuf;
using Onnx;

namespace MiniTorch.Onnx.Tests.Import;

/// <summary>Builds a small ONNX model in code (OnnxSharp's protobuf types) at a chosen opset, for the import tests.</summary>
internal sealed class TestGraph
{
    private readonly GraphProto _graph = new() { Name = "test" };
    private readonly long _opset;
    private int _values;

    public TestGraph(long opset) => _opset = opset;

    public string Input(string name, int[] shape, DType dtype = DType.Float32)
    {
        _graph.Input.Add(ProtoFactory.Value(name, dtype, shape, new string?[shape.Length]));
        return name;
    }

    public string Weight(string name, Tensor value)
    {
        _graph.Initializer.Add(ProtoFactory.Tensor(name, value));
        return name;
    }

    public string Ints(string name, params long[] values)
    {
        _graph.Initializer.Add(ProtoFactory.Int64s(name, values));
        return name;
    }

    public string Node(string opType, string[] inputs, params OnnxAttribute[] attributes) => Nodes(opType, inputs, 1, attributes)[0];

    public string[] Nodes(string opType, string[] inputs, int outputs, params OnnxAttribute[] attributes)
    {
        var names = Enumerable.Range(0, outputs).Select(_ => $"v{_values++}").ToArray();
        _graph.Node.Add(ProtoFactory.Node(opType, $"{opType.ToLowerInvariant()}_{_graph.Node.Count}", inputs, names, attributes));
        return names;
    }

    public NodeProto Last => _graph.Node[^1];

    public TestGraph Output(string name, DType dtype = DType.Float32)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = ProtoFactory.ElementType(dtype) };
        _graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } });
        return this;
    }

    public ModelProto Model()
    {
        var model = new ModelProto { IrVersion = _opset >= 21 ? 10 : _opset >= 13 ? 7 : 4, Graph = _graph, ProducerName = "MiniTorch tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = _opset });
        return model;
    }

    public byte[] Bytes() => Model().ToByteArray();

    public OnnxGraphModule Import(OnnxImportOptions? options = null) => OnnxImporter.Import(Bytes(), options);
}
