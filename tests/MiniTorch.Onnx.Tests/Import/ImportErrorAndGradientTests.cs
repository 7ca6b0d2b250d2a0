using static MiniTorch.Onnx.OnnxAttribute;

namespace MiniTorch.Onnx.Tests.Import;

/// <summary>Errors before anything runs (unsupported nodes, corrupt files, shapes) and gradients of an imported graph.</summary>
public class ImportErrorAndGradientTests
{
    private static Tensor Randn(int seed, params int[] shape) => Tensor.Randn(shape, generator: new Generator(seed));

    [Fact]
    public void EveryUnsupportedNodeIsListedInOneError()
    {
        var g = new TestGraph(13);
        var x = g.Input("x", [2, 3]);
        var a = g.Node("Relu", [x]);
        var b = g.Node("Celu", [a]);                               // not supported
        var c = g.Node("ArgMax", [b], Int("select_last_index", 1)); // unsupported attribute value
        var d = g.Node("Softmax", [c], Int("axis", 1), Int("bogus", 3)); // unknown attribute
        g.Output(d);
        var e = Assert.Throws<OnnxImportException>(() => g.Import());
        Assert.Contains("3 node(s) cannot be imported", e.Message);
        Assert.Contains("Celu node 'celu_1' (#1, opset 13): operator not supported", e.Message);
        Assert.Contains("ArgMax node 'argmax_2' (#2, opset 13): select_last_index=1", e.Message);
        Assert.Contains("Softmax node 'softmax_3' (#3, opset 13): attribute 'bogus'", e.Message);
        Assert.DoesNotContain("Relu", e.Message);
    }

    [Fact]
    public void AnOpsetOutsideTheSupportedRangeIsRefused()
    {
        var g = new TestGraph(22);
        g.Output(g.Node("Relu", [g.Input("x", [2])]));
        var e = Assert.Throws<OnnxImportException>(() => g.Import());
        Assert.Contains("opset 22 is not supported", e.Message);
    }

    [Fact]
    public void ATruncatedFileIsAClearError()
    {
        var g = new TestGraph(13);
        g.Output(g.Node("Conv", [g.Input("x", [1, 2, 5, 5]), g.Weight("w", Randn(1, 3, 2, 3, 3))]));
        var bytes = g.Bytes();
        string path = Path.Combine(Path.GetTempPath(), $"minitorch-truncated-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, bytes[..(bytes.Length - 40)]);
            var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("truncated or corrupt", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void GarbageAndEmptyFilesAreClearErrors()
    {
        var garbage = Enumerable.Range(0, 300).Select(i => (byte)(i * 37 + 11)).ToArray();
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(garbage));
        Assert.Contains("ONNX import (ONNX bytes)", e.Message);
        Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(Array.Empty<byte>()));
        var missing = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import("/nonexistent/model.onnx"));
        Assert.Contains("/nonexistent/model.onnx", missing.Message);
    }

    [Fact]
    public void AnInitializerWhoseDataDoesNotFitItsShapeIsNamed()
    {
        var g = new TestGraph(13);
        var weight = ProtoFactory.Tensor("w", Randn(2, 3, 4));
        weight.Dims[1] = 5; // 12 floats of data for a [3, 5] tensor
        var model = g.Model();
        g.Output(g.Node("MatMul", [g.Input("x", [2, 3]), "w"]));
        model.Graph.Initializer.Add(weight);
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(Google.Protobuf.MessageExtensions.ToByteArray(model)));
        Assert.Contains("initializer 'w' of shape [3, 5] needs 60 bytes of data but has 48", e.Message);
    }

    [Fact]
    public void AFixedBatchGraphFollowsTheBatchUnlessAskedToKeepIt()
    {
        var g = new TestGraph(13);
        var x = g.Input("x", [1, 2, 3]);
        g.Output(g.Node("Reshape", [x, g.Ints("shape", 1, 6)]));
        var dynamic = g.Import();
        Assert.Equal([4, 6], dynamic.Call(Randn(3, 4, 2, 3)).Shape);
        var fixedBatch = g.Import(new OnnxImportOptions { DynamicBatch = false });
        var e = Assert.Throws<OnnxImportException>(() => fixedBatch.Call(Randn(3, 4, 2, 3)));
        Assert.Contains("declared [1, 2, 3] (DynamicBatch is off", e.Message);
        var wrongShape = Assert.Throws<OnnxImportException>(() => dynamic.Call(Randn(3, 4, 3, 2)));
        Assert.Contains("got a tensor of shape [4, 3, 2]", wrongShape.Message);
    }

    [Fact]
    public void ShapeLogicThatCannotFollowTheBatchIsReported()
    {
        // A Reshape that moves the batch into another dim ([1, 6] → [2, 3]) cannot follow a batch of 4.
        var g = new TestGraph(13);
        var x = g.Input("x", [1, 6]);
        g.Output(g.Node("Reshape", [x, g.Ints("shape", 2, 3)]));
        var e = Assert.Throws<OnnxImportException>(() => g.Import().Call(Randn(4, 4, 6)));
        Assert.Contains("Reshape node 'reshape_0'", e.Message);
        Assert.Contains("[4, 6]", e.Message);
    }

    [Fact]
    public void GradientsOfAnImportedConvBnReluPoolGemmGraphPassFiniteDifferences()
    {
        var g = new TestGraph(13);
        var x = g.Input("x", [2, 2, 6, 6], DType.Float64);
        var conv = g.Node("Conv", [x, g.Weight("conv.weight", Randn(1, 3, 2, 3, 3).To(DType.Float64)), g.Weight("conv.bias", Randn(2, 3).To(DType.Float64))], Ints("pads", 1L, 0L, 0L, 1L));
        var bn = g.Node("BatchNormalization", [conv, g.Weight("bn.weight", Randn(3, 3).To(DType.Float64)), g.Weight("bn.bias", Randn(4, 3).To(DType.Float64)),
            g.Weight("bn.running_mean", Randn(5, 3).To(DType.Float64)), g.Weight("bn.running_var", (Randn(6, 3).Abs() + 0.5).To(DType.Float64))]);
        var pooled = g.Node("MaxPool", [g.Node("Relu", [bn])], Ints("kernel_shape", 2L, 2L), Ints("strides", 2L, 2L));
        var flat = g.Node("Flatten", [pooled]);
        g.Output(g.Node("Gemm", [flat, g.Weight("fc.weight", Randn(7, 4, 12).To(DType.Float64)), g.Weight("fc.bias", Randn(8, 4).To(DType.Float64))], Int("transB", 1)), DType.Float64);
        var model = g.Import();
        Assert.Equal(["conv.weight", "conv.bias", "bn.weight", "bn.bias", "fc.weight", "fc.bias"], model.NamedParameters().Select(p => p.Name));
        model.Eval();
        var input = Randn(9, 2, 2, 6, 6).To(DType.Float64).SetRequiresGrad();
        var parameters = model.Parameters().Cast<Tensor>().ToArray();
        // The function reads the parameters through the module; GradCheck perturbs them in place.
        Assert.True(GradCheck.Check(inputs => model.Call(inputs[0]), [input, .. parameters]));
        model.Train();
        Assert.True(GradCheck.Check(inputs => model.Call(inputs[0]), [input, .. parameters]));
    }
}
