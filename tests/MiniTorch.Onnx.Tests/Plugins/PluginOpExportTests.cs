using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Plugins;

/// <summary>
/// Plugin ops called through the registry export with their declared lowerings and agree with ONNX Runtime, in
/// float32 and float64, for every op of the sample plugin, attribute variants and broadcasting input shapes.
/// </summary>
[Collection(PluginFixture.Collection)]
public class PluginOpExportTests
{
    public static TheoryData<string, int[], double, double> Calls() => new()
    {
        { "swish", [2, 5], 1, 0 },
        { "swish", [3, 2, 4], 1.7, 0 },
        { "swish", [4], 0.3, 0 },
        { "silu", [2, 3, 4], 0, 0 },
        { "mish", [3, 7], 0, 0 },
        { "softplus", [3, 6], 1, 20 },
        { "softplus", [2, 8], 2, 1 },
        { "softplus", [2, 3, 5], 0.5, 0.25 },
        { "softplus", [5], 3, -1 },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void AnActivationCallAgreesWithOnnxRuntimeInBothPrecisions(string op, int[] shape, double beta, double threshold)
    {
        using var host = PluginFixture.Activations();
        var definition = host.Ops.Get(op);
        var attributes = new Dictionary<string, double>();
        if (definition.Attributes.ContainsKey("beta"))
        {
            attributes["beta"] = beta;
        }
        if (definition.Attributes.ContainsKey("threshold"))
        {
            attributes["threshold"] = threshold;
        }
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            // Values up to ±6 reach both sides of every threshold above, and the saturated ends of σ and tanh.
            Tensor Input(int seed, int batch) => (Tensor.Randn([batch, .. shape[1..]], dtype, new Generator(seed)) * 3).Detach();
            Tensor Call(Tensor x) => host.Ops.Invoke(op, [x], attributes);
            var model = OnnxExporter.Export(Call, Input(1, shape[0]));
            foreach (int batch in new[] { shape[0], shape[0] + 3 })
            {
                var report = OnnxCheck.AssertClose(model, xs => [Call(xs[0])], [Input(batch + 7, batch)],
                    dtype == DType.Float64 ? 1e-12 : 1e-6, dtype == DType.Float64 ? 1e-10 : 1e-5);
                Assert.Equal(dtype, model.Proto.Graph.Output[0].Type.TensorType.ElemType == 11 ? DType.Float64 : DType.Float32);
                Assert.NotNull(report);
            }
        }
    }

    [Theory]
    [InlineData(new[] { 4, 3 })]
    [InlineData(new[] { 2, 5, 3 })]
    [InlineData(new[] { 2, 2, 4, 3 })]
    public void LinearGeluBroadcastsItsBiasOverLeadingDimsInBothPrecisions(int[] inputShape)
    {
        using var host = PluginFixture.Activations();
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var weight = Tensor.Randn([6, 3], dtype, new Generator(2));
            var bias = Tensor.Randn([6], dtype, new Generator(3));
            Tensor Call(Tensor x) => host.Ops.Invoke("linear_gelu", x, weight, bias);
            var model = OnnxExporter.Export(Call, Tensor.Randn(inputShape, dtype, new Generator(4)), namedTensors: [("weight", weight), ("bias", bias)]);
            Assert.Equal(["Transpose", "MatMul", "Add"], RoundTrip.OpTypes(model)[..3]);
            Assert.DoesNotContain("Erf", RoundTrip.OpTypes(model)); // ONNX Runtime has no float64 Erf; the plugin writes erf out
            OnnxCheck.AssertClose(model, xs => [Call(xs[0])], [Tensor.Randn([inputShape[0] + 2, .. inputShape[1..]], dtype, new Generator(5))],
                dtype == DType.Float64 ? 1e-12 : 1e-5, dtype == DType.Float64 ? 1e-10 : 1e-4);
        }
    }

    [Fact]
    public void AComposedOpIsWrittenAsStandardOperatorsWithItsAttributesAsConstants()
    {
        using var host = PluginFixture.Activations();
        var model = OnnxExporter.Export(x => host.Ops.Invoke("swish", [x], PluginFixture.Attributes(("beta", 1.7))), Tensor.Randn([2, 3], DType.Float64));
        Assert.Equal(["Mul", "Sigmoid", "Mul"], RoundTrip.OpTypes(model));
        Assert.All(model.Proto.Graph.Node, n => Assert.Equal("", n.Domain));
        Assert.Empty(model.Proto.Functions);
        var beta = Assert.Single(model.Proto.Graph.Initializer, t => t.Dims.Count == 0);
        Assert.Equal(1.7, BitConverter.ToDouble(beta.RawData.Span));
        Assert.StartsWith("activations::swish_", model.Proto.Graph.Node[0].Name);
    }

    [Fact]
    public void AFunctionOpIsOneCustomDomainNodeWithItsAttributesAndTheFunctionInTheModel()
    {
        using var host = PluginFixture.Activations();
        Tensor Call(Tensor x) => host.Ops.Invoke("softplus", [x], PluginFixture.Attributes(("beta", 1.7), ("threshold", 2)));
        var model = OnnxExporter.Export(x => Call(Call(x)), Tensor.Randn([2, 3], DType.Float64));

        Assert.Equal(2, model.Proto.Graph.Node.Count);
        Assert.All(model.Proto.Graph.Node, node =>
        {
            Assert.Equal(("activations", "softplus"), (node.Domain, node.OpType));
            Assert.Equal(["beta", "threshold"], node.Attribute.Select(a => a.Name));
            Assert.Equal(1.7, BitConverter.ToDouble(node.Attribute[0].T.RawData.Span)); // float64, not rounded to a float attribute
        });
        var function = Assert.Single(model.Proto.Functions);
        Assert.Equal(("activations", "softplus"), (function.Domain, function.Name));
        Assert.Equal(["beta", "threshold"], function.Attribute);
        Assert.Contains(model.Proto.OpsetImport, o => o.Domain == "activations" && o.Version == 1);
        Assert.Contains(function.OpsetImport, o => o.Domain == "" && o.Version == OnnxModel.OpsetVersion);
        OnnxCheck.AssertClose(model, xs => [Call(Call(xs[0]))], [Tensor.Randn([5, 3], DType.Float64, new Generator(9)) * 3], 1e-12, 1e-10);
    }
}
