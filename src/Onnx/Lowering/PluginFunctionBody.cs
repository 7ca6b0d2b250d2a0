using System.Runtime.InteropServices;
using Google.Protobuf;
using MiniTorch.Plugins;
using Onnx;

namespace MiniTorch.Onnx;

/// <summary>
/// The FunctionProto of a plugin op lowered with <see cref="OnnxOpLowering.Function"/>. The body is type-generic, as
/// ONNX functions are: constants and attribute values are made with Constant and cast to input 0's type (CastLike),
/// so the one function serves float32 and float64 calls.
/// </summary>
/// <remarks>
/// An op attribute becomes a node attribute of type TENSOR (a float64 scalar), read in the body with a Constant
/// whose value references it, so float64 calls keep the attribute's full precision. An attribute that the body also
/// passes to an ONNX operator's float attribute (<see cref="OnnxNodeAttribute.FloatFrom"/>) must be an ONNX FLOAT for
/// the reference to type-check, and is one (32-bit, as every standard operator's float attributes are).
/// </remarks>
internal static class PluginFunctionBody
{
    public static HashSet<string> FloatAttributes(OnnxLoweringGraph recorded) =>
        recorded.Nodes.SelectMany(n => n.Attributes).Where(a => a.Kind == OnnxNodeAttributeKind.FloatFromOpAttribute).Select(a => a.Text!).ToHashSet(StringComparer.Ordinal);

    /// <summary>The attribute of the call node that passes op attribute <paramref name="name"/>.</summary>
    public static AttributeProto CallAttribute(string name, double value, bool asFloat) => asFloat
        ? new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value }
        : new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = DoubleScalar(value) };

    public static FunctionProto Build(string domain, OpDefinition definition, OnnxLoweringGraph recorded, HashSet<string> floatAttributes)
    {
        var function = new FunctionProto { Name = definition.Name, Domain = domain, DocString = definition.Description };
        var inputNames = definition.Inputs.Select((_, i) => $"input_{i}").ToArray();
        function.Input.AddRange(inputNames);
        function.Output.Add("output");
        function.Attribute.AddRange(definition.Attributes.Keys.Order(StringComparer.Ordinal));
        function.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxModel.OpsetVersion });
        int temporaries = 0;
        string Fresh(string hint) => $"{hint}_{temporaries++}";
        NodeProto Node(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, params AttributeProto[] attributes)
        {
            var node = new NodeProto { OpType = opType };
            node.Input.AddRange(inputs);
            node.Output.AddRange(outputs);
            node.Attribute.AddRange(attributes);
            function.Node.Add(node);
            return node;
        }
        // A float64 constant (or an attribute reference) cast to the type of input 0, the op's dtype.
        string Typed(AttributeProto value, string hint)
        {
            string raw = Fresh(hint + "_raw");
            Node("Constant", [], [raw], value);
            string typed = Fresh(hint);
            Node("CastLike", [raw, inputNames[0]], [typed]);
            return typed;
        }
        var names = new Dictionary<OnnxValue, string>(ReferenceEqualityComparer.Instance);
        string Name(OnnxValue? value)
        {
            if (value is null)
            {
                return "";
            }
            if (!names.TryGetValue(value, out var name))
            {
                name = value.Kind switch
                {
                    OnnxValueKind.Input => inputNames[value.Index],
                    OnnxValueKind.Attribute => Typed(floatAttributes.Contains(value.AttributeName!)
                        ? new AttributeProto { Name = "value_float", Type = AttributeProto.Types.AttributeType.Float, RefAttrName = value.AttributeName }
                        : new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, RefAttrName = value.AttributeName }, value.AttributeName!),
                    OnnxValueKind.Scalar => Typed(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = DoubleScalar(value.ScalarValue) }, "constant"),
                    OnnxValueKind.Int64s => Int64Constant([.. value.Int64Values!]),
                    _ => throw new InvalidOperationException($"PluginFunctionBody: {value} is read before its node was written."),
                };
                names[value] = name;
            }
            return name;
        }
        string Int64Constant(long[] values)
        {
            string name = Fresh("ints");
            var tensor = new TensorProto { DataType = ProtoFactory.Int64, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
            tensor.Dims.Add(values.Length);
            Node("Constant", [], [name], new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor });
            return name;
        }
        foreach (var node in recorded.Nodes)
        {
            var inputs = node.Inputs.Select(Name).ToArray();
            var outputs = node.Outputs.Select(o => ReferenceEquals(o, recorded.Output) ? "output" : Fresh(node.OpType)).ToArray();
            Node(node.OpType, inputs, outputs, [.. node.Attributes.Select(ToProto)]);
            for (int k = 0; k < outputs.Length; k++)
            {
                names[node.Outputs[k]] = outputs[k];
            }
        }
        if (recorded.Output.Kind != OnnxValueKind.NodeOutput)
        {
            Node("Identity", [Name(recorded.Output)], ["output"]);
        }
        return function;
    }

    private static AttributeProto ToProto(OnnxNodeAttribute a)
    {
        var proto = new AttributeProto { Name = a.Name };
        switch (a.Kind)
        {
            case OnnxNodeAttributeKind.Int:
                proto.Type = AttributeProto.Types.AttributeType.Int;
                proto.I = a.IntValue;
                break;
            case OnnxNodeAttributeKind.Float:
                proto.Type = AttributeProto.Types.AttributeType.Float;
                proto.F = (float)a.FloatValue;
                break;
            case OnnxNodeAttributeKind.Ints:
                proto.Type = AttributeProto.Types.AttributeType.Ints;
                proto.Ints.AddRange(a.IntsValue!);
                break;
            case OnnxNodeAttributeKind.String:
                proto.Type = AttributeProto.Types.AttributeType.String;
                proto.S = ByteString.CopyFromUtf8(a.Text!);
                break;
            default:
                proto.Type = AttributeProto.Types.AttributeType.Float;
                proto.RefAttrName = a.Text!;
                break;
        }
        return proto;
    }

    private static TensorProto DoubleScalar(double value) =>
        new() { DataType = ProtoFactory.Double, RawData = ByteString.CopyFrom(BitConverter.GetBytes(value)) };
}
