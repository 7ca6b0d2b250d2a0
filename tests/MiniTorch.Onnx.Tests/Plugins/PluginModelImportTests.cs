using Google.Protobuf;

namespace MiniTorch.Onnx.Tests.Plugins;

/// <summary>
/// A model exported with plugin ops imports back while the plugin is loaded: the custom-domain nodes (ops lowered as
/// ONNX functions) run the plugin's own op with the node's attributes, so outputs and gradients equal the original's;
/// ops lowered as compositions import as their standard operators.
/// </summary>
[Collection(PluginFixture.Collection)]
public class PluginModelImportTests
{
    /// <summary>Built-in layers around the plugin's module types: mish and softplus are functions, swish and linear_gelu compositions.</summary>
    internal static Sequential Model(PluginHost host, DType dtype)
    {
        var generator = new Generator(7);
        var model = new Sequential(
            new Linear(6, 8, generator: generator),
            host.Modules.Create("Mish"),
            host.Modules.Create("Softplus", PluginFixture.Attributes(("beta", 2), ("threshold", 1))),
            host.Modules.Create("LinearGelu", PluginFixture.Attributes(("inFeatures", 8), ("outFeatures", 8))),
            host.Modules.Create("Swish", PluginFixture.Attributes(("beta", 1.5))),
            host.Modules.Create("Softplus"),
            new Linear(8, 3, generator: generator));
        model.To(dtype);
        model.Eval();
        return model;
    }

    internal static Tensor Input(int batch, DType dtype, int seed) => (Tensor.Randn([batch, 6], dtype, new Generator(seed)) * 2).Detach();

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.DType, actual.DType);
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - a[i]) <= tolerance * (1 + Math.Abs(e[i])), $"{what}, element {i}: original {e[i]}, imported {a[i]}");
        }
    }

    [Theory]
    [InlineData(DType.Float32, 1e-6)]
    [InlineData(DType.Float64, 1e-13)]
    public void AModelWithPluginOpsImportsBackAndEqualsTheOriginalAndOnnxRuntime(DType dtype, double tolerance)
    {
        using var host = PluginFixture.Activations();
        var model = Model(host, dtype);
        var onnx = OnnxExporter.Export(model, Input(1, dtype, 1));
        var imported = OnnxImporter.Import(onnx);
        imported.Eval();

        foreach (int batch in new[] { 1, 4 })
        {
            var x = Input(batch, dtype, batch + 20);
            using (Autograd.NoGrad())
            {
                AssertClose(model.Call(x), imported.Call(x), tolerance, $"batch {batch}");
            }
            var report = OnnxCheck.Compare(imported, onnx.Proto, x);
            Assert.True(report.MaxAbsoluteError <= (dtype == DType.Float64 ? 1e-12 : 1e-5), report.ToString());
        }
        // Exported again, the imported model writes the same plugin calls with the same attributes: it calls the plugin's ops.
        var again = OnnxExporter.Export(imported, Input(1, dtype, 1));
        var calls = again.Proto.Graph.Node.Where(n => n.Domain == "activations").Select(n => $"{n.OpType}({string.Join(", ", n.Attribute.Select(a => $"{a.Name}={BitConverter.ToDouble(a.T.RawData.Span)}"))})");
        Assert.Equal(["mish()", "softplus(beta=2, threshold=1)", "softplus(beta=1, threshold=20)"], calls);
    }

    public static TheoryData<double, double> SoftplusAttributes() => new()
    {
        { 1, 20 },
        { 2, 1 },
        { 0.5, 0.25 },
        { 3, -1 },
        { 1.7, 0.1 },
    };

    [Theory]
    [MemberData(nameof(SoftplusAttributes))]
    public void TheNodesAttributesBecomeThePluginOpsAttributes(double beta, double threshold)
    {
        using var host = PluginFixture.Activations();
        var attributes = PluginFixture.Attributes(("beta", beta), ("threshold", threshold));
        Tensor Call(Tensor x) => host.Ops.Invoke("softplus", [x], attributes);
        var imported = OnnxImporter.Import(OnnxExporter.Export(Call, Input(2, DType.Float64, 3)));
        // Values up to ±6 reach both sides of every threshold above.
        var x = (Input(5, DType.Float64, 4) * 1.5).SetRequiresGrad();
        var y = imported.Call(x);
        AssertClose(Call(x), y, 0, $"softplus(beta={beta}, threshold={threshold})");
        Assert.Equal("SoftplusBackward", y.GradFn?.Name); // the plugin's Function; its ONNX function body would end in a Where
        if (beta != 1 || threshold != 20)
        {
            Assert.NotEqual(host.Ops.Invoke("softplus", x).ToDoubleArray(), y.ToDoubleArray()); // the attributes were not the defaults
        }
    }

    [Fact]
    public void FloatAndIntAttributesAndAbsentOnesTakeTheirValuesOrTheOpsDefaults()
    {
        using var host = PluginFixture.Activations();
        var onnx = OnnxExporter.Export(x => host.Ops.Invoke("softplus", [x], PluginFixture.Attributes(("beta", 0.5), ("threshold", 3))), Input(2, DType.Float64, 3));
        var node = Assert.Single(onnx.Proto.Graph.Node);
        node.Attribute.Clear();
        node.Attribute.Add(new global::Onnx.AttributeProto { Name = "beta", Type = global::Onnx.AttributeProto.Types.AttributeType.Int, I = 2 });
        var x = Input(4, DType.Float64, 5) * 6;
        var intBeta = OnnxImporter.Import(onnx.Proto.ToByteArray());
        // threshold is absent: the op's default, 20.
        Assert.Equal(host.Ops.Invoke("softplus", [x], PluginFixture.Attributes(("beta", 2))).ToDoubleArray(), intBeta.Call(x).ToDoubleArray());

        node.Attribute[0] = new global::Onnx.AttributeProto { Name = "threshold", Type = global::Onnx.AttributeProto.Types.AttributeType.Float, F = 0.5f };
        var floatThreshold = OnnxImporter.Import(onnx.Proto.ToByteArray());
        Assert.Equal(host.Ops.Invoke("softplus", [x], PluginFixture.Attributes(("threshold", 0.5))).ToDoubleArray(), floatThreshold.Call(x).ToDoubleArray());
    }

    [Fact]
    public void GradientsFlowThroughTheImportedPluginOpsAndEqualTheOriginalModels()
    {
        using var host = PluginFixture.Activations();
        var model = Model(host, DType.Float64);
        var imported = OnnxImporter.Import(OnnxExporter.Export(model, Input(1, DType.Float64, 1)));
        imported.Eval();
        var target = Tensor.Randn([3, 3], DType.Float64, new Generator(8));

        (Tensor InputGrad, Dictionary<string, Tensor> ParameterGrads) Gradients(Module m)
        {
            var x = Input(3, DType.Float64, 9).SetRequiresGrad();
            Functional.MseLoss(m.Call(x), target).Backward();
            return (x.Grad!, m.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Grad!));
        }
        var (inputGrad, parameterGrads) = Gradients(model);
        var (importedInputGrad, importedParameterGrads) = Gradients(imported);

        AssertClose(inputGrad, importedInputGrad, 1e-13, "input gradient");
        Assert.Equal(parameterGrads.Keys.Order(), importedParameterGrads.Keys.Order());
        foreach (var (name, grad) in parameterGrads)
        {
            AssertClose(grad, importedParameterGrads[name], 1e-13, $"gradient of {name}");
        }
        // And the imported plugin ops' derivatives are right: first and second order, against finite differences.
        var softplusOnly = OnnxImporter.Import(OnnxExporter.Export(
            x => host.Ops.Invoke("mish", host.Ops.Invoke("softplus", [x], PluginFixture.Attributes(("beta", 2), ("threshold", 1)))), Input(2, DType.Float64, 3)));
        var input = Input(3, DType.Float64, 11).SetRequiresGrad();
        Assert.True(GradCheck.Check(xs => softplusOnly.Call(xs[0]), [input]));
        Assert.True(GradCheck.GradGradCheck(xs => softplusOnly.Call(xs[0]), [input]));
    }

    [Fact]
    public void AComposedOpImportsAsItsStandardOperatorsMarkedWithThePluginCall()
    {
        using var host = PluginFixture.Activations();
        var attributes = PluginFixture.Attributes(("beta", 1.5));
        Tensor Call(Tensor x) => host.Ops.Invoke("swish", [x], attributes);
        var onnx = OnnxExporter.Export(Call, Input(2, DType.Float64, 3));
        Assert.All(onnx.Proto.Graph.Node, n => Assert.Equal("MiniTorch plugin op activations::swish (beta=1.5)", n.DocString));

        var imported = OnnxImporter.Import(onnx);
        Assert.Equal(3, imported.NodeCount); // Mul, Sigmoid, Mul: the values match, the plugin op itself is not recovered
        var x = Input(4, DType.Float64, 5).SetRequiresGrad();
        var y = imported.Call(x);
        AssertClose(Call(x), y, 1e-15, "swish");
        Assert.StartsWith("Mul", y.GradFn?.Name); // the last Mul of x·σ(βx), not the plugin's Swish Function
    }
}
