using static MiniTorch.Onnx.OnnxAttribute;

namespace MiniTorch.Onnx.Tests.Import;

/// <summary>
/// Each supported operator from a small graph built here, imported and run against ONNX Runtime on the same graph,
/// at two opsets where the operator's definition changed (attributes that became inputs, Softmax's axis, …).
/// </summary>
public class OperatorImportTests
{
    private static Tensor Randn(int seed, params int[] shape) => Tensor.Randn(shape, generator: new Generator(seed));

    /// <summary>Imports the graph and checks it against ONNX Runtime; returns the imported module's output.</summary>
    private static Tensor Check(TestGraph graph, params Tensor[] inputs)
    {
        var model = graph.Model();
        var imported = OnnxImporter.Import(graph.Bytes());
        var report = OnnxCheck.Compare(imported, model, inputs);
        Assert.True(report.IsWithin(1e-5, 1e-4), report.Describe(1e-5, 1e-4));
        imported.Eval();
        using (Autograd.NoGrad())
        {
            return imported.Run(inputs)[0];
        }
    }

    public static TheoryData<long> Modern => new() { 13, 21 };

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(18)]
    public void SplitSizesAsAttributeThenInput(long opset)
    {
        var g = new TestGraph(opset);
        var x = g.Input("x", [2, 5, 3]);
        var parts = opset < 13
            ? g.Nodes("Split", [x], 2, Int("axis", 1), Ints("split", 2L, 3L))
            : g.Nodes("Split", [x, g.Ints("sizes", 2, 3)], 2, Int("axis", 1));
        g.Output(g.Node("Concat", [parts[1], parts[0]], Int("axis", 1)));
        var y = Check(g, Randn(1, 2, 5, 3));
        Assert.Equal([2, 5, 3], y.Shape);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(13)]
    public void ClipBoundsAsAttributesThenInputs(long opset)
    {
        var g = new TestGraph(opset);
        var x = g.Input("x", [3, 4]);
        g.Output(opset < 11
            ? g.Node("Clip", [x], Float("min", -0.5), Float("max", 0.7))
            : g.Node("Clip", [x, g.Weight("lo", Tensor.Scalar(-0.5)), g.Weight("hi", Tensor.Scalar(0.7))]));
        var y = Check(g, Randn(2, 3, 4));
        Assert.Equal(0.7f, y.ToArray<float>().Max());
    }

    [Theory]
    [InlineData(11, "Softmax")]
    [InlineData(13, "Softmax")]
    [InlineData(11, "LogSoftmax")]
    [InlineData(13, "LogSoftmax")]
    public void SoftmaxAxisCoercedTo2DBeforeOpset13(long opset, string op)
    {
        // axis = 1 of a rank-3 input: before 13 the softmax runs over dims 1 and 2 together, from 13 over dim 1 only.
        var g = new TestGraph(opset);
        g.Output(g.Node(op, [g.Input("x", [2, 3, 4])], Int("axis", 1)));
        Check(g, Randn(3, 2, 3, 4));
    }

    [Theory]
    [InlineData(11, "ReduceSum")]
    [InlineData(13, "ReduceSum")]
    [InlineData(13, "ReduceMean")]
    [InlineData(18, "ReduceMean")]
    [InlineData(13, "ReduceMax")]
    [InlineData(18, "ReduceMax")]
    public void ReductionAxesAsAttributeThenInput(long opset, string op)
    {
        var g = new TestGraph(opset);
        var x = g.Input("x", [2, 3, 4]);
        bool asInput = opset >= (op == "ReduceSum" ? 13 : 18);
        g.Output(asInput
            ? g.Node(op, [x, g.Ints("axes", 0, -1)], Int("keepdims", 0))
            : g.Node(op, [x], Ints("axes", 0L, -1L), Int("keepdims", 0)));
        Assert.Equal([3], Check(g, Randn(4, 2, 3, 4)).Shape);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void SqueezeAndUnsqueezeAxesAsAttributeThenInput(long opset)
    {
        var g = new TestGraph(opset);
        var x = g.Input("x", [2, 1, 3]);
        var squeezed = opset < 13 ? g.Node("Squeeze", [x], Ints("axes", 1L)) : g.Node("Squeeze", [x, g.Ints("a1", 1)]);
        g.Output(opset < 13 ? g.Node("Unsqueeze", [squeezed], Ints("axes", 0L, 3L)) : g.Node("Unsqueeze", [squeezed, g.Ints("a2", 0, 3)]));
        Assert.Equal([1, 2, 3, 1], Check(g, Randn(5, 2, 1, 3)).Shape);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(13)]
    public void SliceBoundsAsAttributesThenInputsWithSteps(long opset)
    {
        var g = new TestGraph(opset);
        var x = g.Input("x", [4, 6]);
        g.Output(opset < 10
            ? g.Node("Slice", [x], Ints("starts", 1L, -4L), Ints("ends", 100L, -1L), Ints("axes", 0L, 1L))
            : g.Node("Slice", [x, g.Ints("s", 3, 0), g.Ints("e", 0, 100), g.Ints("a", 0, 1), g.Ints("st", -1, 2)]));
        Check(g, Randn(6, 4, 6));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(15)]
    public void BatchNormalizationWithRunningStatistics(long opset)
    {
        var g = new TestGraph(opset);
        var x = g.Input("x", [2, 3, 4, 4]);
        var bn = g.Node("BatchNormalization", [x, g.Weight("s", Randn(7, 3)), g.Weight("b", Randn(8, 3)), g.Weight("m", Randn(9, 3)), g.Weight("v", Randn(10, 3).Abs() + 0.5)],
            Float("epsilon", 1e-3), Float("momentum", 0.8));
        g.Output(bn);
        Check(g, Randn(11, 2, 3, 4, 4));
        var bnLayer = g.Import().Modules().OfType<BatchNorm2d>().Single();
        Assert.Equal(0.2, bnLayer.Momentum!.Value, 6); // ONNX's momentum weighs the running value, PyTorch's the batch
        Assert.Equal(1e-3, bnLayer.Eps, 6);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(13)]
    public void DropoutIsTheIdentityWithRatioAsAttributeThenInput(long opset)
    {
        var g = new TestGraph(opset);
        var x = g.Input("x", [3, 4]);
        g.Output(g.Node("Relu", [opset < 12 ? g.Node("Dropout", [x], Float("ratio", 0.3)) : g.Node("Dropout", [x, g.Weight("r", Tensor.Scalar(0.3))])]));
        var input = Randn(12, 3, 4);
        Assert.Equal(input.Relu().ToArray<float>(), Check(g, input).ToArray<float>());
    }

    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    public void MaxPoolWithAsymmetricPadsAndDilation(long opset)
    {
        var g = new TestGraph(opset);
        var x = g.Input("x", [1, 2, 7, 7]);
        var attributes = new List<OnnxAttribute> { Ints("kernel_shape", 3L, 3L), Ints("strides", 2L, 2L), Ints("pads", 1L, 1L, 0L, 0L) };
        if (opset >= 10)
        {
            attributes.Add(Ints("dilations", 1L, 2L));
        }
        g.Output(g.Node("MaxPool", [x], [.. attributes]));
        Check(g, Randn(13, 1, 2, 7, 7));
    }

    [Theory]
    [InlineData(11, 0)]
    [InlineData(11, 1)]
    [InlineData(19, 0)]
    [InlineData(19, 1)]
    public void AveragePoolCountIncludePadWithAsymmetricAndSymmetricPads(long opset, int countIncludePad)
    {
        var g = new TestGraph(opset);
        var x = g.Input("x", [2, 2, 6, 6]);
        var asymmetric = g.Node("AveragePool", [x], Ints("kernel_shape", 3L, 3L), Ints("strides", 2L, 2L), Ints("pads", 1L, 1L, 0L, 0L), Int("count_include_pad", countIncludePad));
        var symmetric = g.Node("AveragePool", [x], Ints("kernel_shape", 3L, 3L), Ints("strides", 1L, 1L), Ints("pads", 1L, 1L, 1L, 1L), Int("count_include_pad", countIncludePad));
        g.Output(g.Node("Add", [g.Node("ReduceSum", opset >= 13 ? [asymmetric, g.Ints("ax", 2, 3)] : [asymmetric], Int("keepdims", 1)), g.Node("GlobalAveragePool", [symmetric])]));
        Check(g, Randn(14, 2, 2, 6, 6));
    }

    [Theory]
    [InlineData(11, "NOTSET")]
    [InlineData(13, "NOTSET")]
    [InlineData(13, "SAME_UPPER")]
    [InlineData(13, "SAME_LOWER")]
    public void ConvWithPadsStridesDilationsAndAutoPad(long opset, string autoPad)
    {
        var g = new TestGraph(opset);
        var x = g.Input("x", [2, 3, 9, 8]);
        // ONNX Runtime refuses dilations with SAME padding, so dilation is tested with explicit pads only.
        var attributes = new List<OnnxAttribute> { Ints("strides", 2L, 1L), Ints("dilations", 1L, autoPad == "NOTSET" ? 2L : 1L), String("auto_pad", autoPad) };
        if (autoPad == "NOTSET")
        {
            attributes.Add(Ints("pads", 2L, 1L, 0L, 3L));
        }
        g.Output(g.Node("Conv", [x, g.Weight("w", Randn(15, 4, 3, 3, 3)), g.Weight("b", Randn(16, 4))], [.. attributes]));
        Check(g, Randn(17, 2, 3, 9, 8));
    }

    [Fact]
    public void GroupedConvolutionIsReportedAsNotSupportedYet()
    {
        var g = new TestGraph(13);
        g.Output(g.Node("Conv", [g.Input("x", [1, 4, 5, 5]), g.Weight("w", Randn(18, 4, 2, 3, 3))], Int("group", 2)));
        var e = Assert.Throws<OnnxImportException>(() => g.Import());
        Assert.Contains("Conv node 'conv_0'", e.Message);
        Assert.Contains("group=2", e.Message);
    }

    [Theory]
    [InlineData(9, 0, 0, 1.0, 1.0)]
    [InlineData(9, 1, 1, 0.5, 2.0)]
    [InlineData(13, 0, 1, 1.0, 1.0)]
    [InlineData(13, 1, 0, 2.0, 0.5)]
    public void GemmWithTransposesAlphaAndBeta(long opset, int transA, int transB, double alpha, double beta)
    {
        var g = new TestGraph(opset);
        var a = g.Input("a", transA == 1 ? [5, 3] : [3, 5]);
        var w = g.Weight("w", transB == 1 ? Randn(19, 4, 5) : Randn(19, 5, 4));
        g.Output(g.Node("Gemm", [a, w, g.Weight("c", Randn(20, 4))], Int("transA", transA), Int("transB", transB), Float("alpha", alpha), Float("beta", beta)));
        Check(g, Randn(21, transA == 1 ? [5, 3] : [3, 5]));
        bool linear = transA == 0 && alpha == 1 && beta == 1;
        Assert.Equal(linear ? 1 : 0, g.Import().Modules().Count(m => m is Linear));
    }

    [Theory]
    [MemberData(nameof(Modern))]
    public void MatMulAddWithConstantWeightBecomesALinear(long opset)
    {
        var g = new TestGraph(opset);
        var product = g.Node("MatMul", [g.Input("x", [2, 3, 5]), g.Weight("proj.weight_t", Randn(22, 5, 4))]);
        g.Output(g.Node("Add", [product, g.Weight("proj.bias", Randn(23, 4))]));
        Check(g, Randn(24, 2, 3, 5));
        var imported = g.Import();
        var linear = imported.Modules().OfType<Linear>().Single();
        Assert.Equal([4, 5], linear.Weight.Shape);
        Assert.Equal(1, imported.NodeCount); // the Add is the Linear's bias
    }

    [Theory]
    [MemberData(nameof(Modern))]
    public void ElementwiseBroadcastingAndActivations(long opset)
    {
        var g = new TestGraph(opset);
        var x = g.Input("x", [2, 3, 4]);
        var row = g.Weight("row", Randn(25, 4));
        var column = g.Weight("column", Randn(26, 3, 1).Abs() + 0.5);
        var sum = g.Node("Add", [x, row]);
        var difference = g.Node("Sub", [sum, column]);
        var product = g.Node("Mul", [difference, g.Node("Sigmoid", [x])]);
        var quotient = g.Node("Div", [product, column]);
        var leaky = g.Node("LeakyRelu", [quotient], Float("alpha", 0.2));
        g.Output(g.Node("Tanh", [g.Node("Relu", [g.Node("Identity", [leaky])])]));
        Check(g, Randn(27, 2, 3, 4));
    }

    [Theory]
    [InlineData(9)]
    [InlineData(13)]
    public void ShapeOpsFlattenReshapeTransposeConcat(long opset)
    {
        var g = new TestGraph(opset);
        var x = g.Input("x", [2, 3, 4]);
        var transposed = g.Node("Transpose", [x], Ints("perm", 0L, 2L, 1L));
        var reshaped = g.Node("Reshape", [transposed, g.Ints("shape", 0, -1, 3)]);
        var joined = g.Node("Concat", [reshaped, reshaped], Int("axis", opset >= 11 ? -1 : 2));
        g.Output(g.Node("Flatten", [joined], Int("axis", 2)));
        Assert.Equal([2 * 4, 6], Check(g, Randn(28, 2, 3, 4)).Shape);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(13)]
    public void ConstantNodesAndCast(long opset)
    {
        var g = new TestGraph(opset);
        var x = g.Input("x", [2, 3]);
        var constant = g.Nodes("Constant", [], 1, TensorAttribute("value", ProtoFactory.Tensor("c", Randn(29, 3))))[0];
        var mask = g.Node("Cast", [g.Node("Greater", [x, constant])], Int("to", ProtoFactory.Float));
        g.Output(g.Node("Mul", [mask, x]));
        Check(g, Randn(30, 2, 3));
    }

    private static OnnxAttribute TensorAttribute(string name, global::Onnx.TensorProto value) => OnnxAttribute.TensorValue(name, value);
}
