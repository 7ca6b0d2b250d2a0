using MiniTorch.Onnx.Tests.Support;

namespace MiniTorch.Onnx.Tests.Lowering;

/// <summary>Every built-in layer exported as a model: the fused ONNX operator it maps to, and its outputs in ONNX Runtime.</summary>
public class LayerExportTests
{
    private static Generator Seed(int seed) => new(seed);

    private static Func<int, Tensor> Images(int channels, int size) => b => RoundTrip.Randn(b, b, channels, size, size);

    private static Func<int, Tensor> Rows(params int[] shape) => b => RoundTrip.Randn(b, [b, .. shape]);

    [Fact]
    public void LinearIsOneGemmReadingTheWeightAsStored()
    {
        var layer = new Linear(5, 3, generator: Seed(1));
        var model = RoundTrip.Check(layer, Rows(5));
        Assert.Equal(["Gemm"], RoundTrip.OpTypes(model));
        Assert.Equal(["weight", "bias"], model.Proto.Graph.Initializer.Select(t => t.Name));
    }

    [Fact]
    public void LinearWithoutBiasOnThreeDimensionalInput()
    {
        var model = RoundTrip.Check(new Linear(5, 3, bias: false, generator: Seed(2)), Rows(4, 5));
        Assert.Equal(["Transpose", "MatMul"], RoundTrip.OpTypes(model));
    }

    [Fact]
    public void LinearWithBiasOnThreeDimensionalInput() => RoundTrip.Check(new Linear(5, 3, generator: Seed(3)), Rows(2, 5));

    [Theory]
    [InlineData(1, 0, 1, true)]
    [InlineData(2, 1, 1, true)]
    [InlineData(1, 2, 2, false)]
    public void Conv2d(int stride, int padding, int dilation, bool bias)
    {
        var layer = new Conv2d(3, 4, 3, stride: stride, padding: padding, dilation: dilation, bias: bias, generator: Seed(4));
        var model = RoundTrip.Check(layer, Images(3, 9));
        Assert.Equal(["Conv"], RoundTrip.OpTypes(model));
    }

    [Fact]
    public void Conv2dWithRectangularKernelAndStride() =>
        RoundTrip.Check(new Conv2d(2, 3, (3, 2), stride: (2, 1), padding: (1, 0), generator: Seed(5)), Images(2, 8));

    [Theory]
    [InlineData(4, 6, 2, 1)]
    [InlineData(4, 4, 4, 2)]
    [InlineData(3, 6, 3, 1)]
    public void Conv2dWithGroupsIsOneConvWithTheGroupAttribute(int inChannels, int outChannels, int groups, int stride)
    {
        var layer = new Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, groups: groups, generator: Seed(6));
        var model = RoundTrip.Check(layer, Images(inChannels, 7));
        Assert.Equal(["Conv"], RoundTrip.OpTypes(model));
        Assert.Equal(groups, model.Proto.Graph.Node[0].Attribute.Single(a => a.Name == "group").I);
    }

    [Theory]
    [InlineData(2, null, 0, 1)]
    [InlineData(3, 2, 1, 1)]
    [InlineData(2, 1, 1, 2)]
    public void MaxPool2d(int kernel, int? stride, int padding, int dilation)
    {
        var model = RoundTrip.Check(new MaxPool2d(kernel, stride, padding, dilation), Images(2, 7));
        Assert.Equal(["MaxPool"], RoundTrip.OpTypes(model));
    }

    [Theory]
    [InlineData(2, null, 0, true)]
    [InlineData(3, 2, 1, true)]
    [InlineData(3, 2, 1, false)]
    public void AvgPool2d(int kernel, int? stride, int padding, bool countIncludePad)
    {
        var model = RoundTrip.Check(new AvgPool2d(kernel, stride, padding, countIncludePad), Images(2, 7));
        Assert.Equal(["AveragePool"], RoundTrip.OpTypes(model));
    }

    [Theory]
    [InlineData(2, 2, 0, 1)]
    [InlineData(3, 2, 1, 1)]
    [InlineData(2, 2, 1, 2)]
    public void MaxPool2dWithCeilMode(int kernel, int stride, int padding, int dilation)
    {
        var model = RoundTrip.Check(new MaxPool2d(kernel, stride, padding, dilation, ceilMode: true), Images(2, 8));
        Assert.Equal(["MaxPool"], RoundTrip.OpTypes(model));
    }

    [Theory]
    [InlineData(2, 2, 0, true)]
    [InlineData(3, 2, 1, false)]
    [InlineData(3, 2, 1, true)]
    public void AvgPool2dWithCeilMode(int kernel, int stride, int padding, bool countIncludePad)
    {
        var model = RoundTrip.Check(new AvgPool2d(kernel, stride, padding, countIncludePad, ceilMode: true), Images(2, 8));
        Assert.Equal(["AveragePool"], RoundTrip.OpTypes(model));
    }

    [Fact]
    public void AdaptiveAvgPool2dToOneByOneIsAGlobalAveragePool()
    {
        var model = RoundTrip.Check(new AdaptiveAvgPool2d(1), Images(3, 7));
        Assert.Equal(["GlobalAveragePool"], RoundTrip.OpTypes(model));
    }

    [Fact]
    public void AdaptiveAvgPool2dToADividingSizeIsAnAveragePool()
    {
        var model = RoundTrip.Check(new AdaptiveAvgPool2d((4, 2)), Images(2, 8));
        Assert.Equal(["AveragePool"], RoundTrip.OpTypes(model));
    }

    [Fact]
    public void AdaptiveAvgPool2dToANonDividingSizeIsAClearError()
    {
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(new AdaptiveAvgPool2d((3, 2)), RoundTrip.Randn(1, 1, 2, 7, 8)));
        Assert.Contains("AdaptiveAvgPool2d to (3, 2) of an input of 7 x 8 has no ONNX equivalent", e.Message);
    }

    [Fact]
    public void BatchNorm2dInEvalUsesTheRunningStatistics()
    {
        var layer = new BatchNorm2d(3);
        WarmUp(layer, RoundTrip.Randn(9, 8, 3, 4, 4) * 3 + 1);
        layer.Eval();
        var model = RoundTrip.Check(layer, Images(3, 4));
        Assert.Equal(["BatchNormalization"], RoundTrip.OpTypes(model));
        Assert.Contains("running_mean", model.Proto.Graph.Initializer.Select(t => t.Name));
    }

    [Fact]
    public void BatchNorm1dOnFeaturesAndOnSequences()
    {
        var layer = new BatchNorm1d(4, affine: false);
        WarmUp(layer, RoundTrip.Randn(10, 16, 4) * 2 - 1);
        layer.Eval();
        RoundTrip.Check(layer, Rows(4));
        RoundTrip.Check(layer, Rows(4, 5));
    }

    [Fact]
    public void BatchNormWithoutRunningStatisticsNormalisesWithTheBatch()
    {
        // Without running statistics BatchNorm uses the batch's own in eval too: traced as the reductions it computes.
        var layer = new BatchNorm1d(4, trackRunningStats: false);
        layer.Eval();
        var model = RoundTrip.Check(layer, Rows(4, 5), atol: 1e-4);
        Assert.Contains("ReduceMean", RoundTrip.OpTypes(model));
    }

    [Fact]
    public void LayerNormOverTheLastDims()
    {
        var layer = new LayerNorm([4, 5]);
        using (Autograd.NoGrad())
        {
            layer.GetParameter("weight")!.CopyFromInPlace(RoundTrip.Randn(11, 4, 5));
            layer.GetParameter("bias")!.CopyFromInPlace(RoundTrip.Randn(12, 4, 5));
        }
        var model = RoundTrip.Check(layer, Rows(4, 5));
        Assert.Equal(["LayerNormalization"], RoundTrip.OpTypes(model));
    }

    [Fact]
    public void LayerNormWithoutAffineParameters()
    {
        var model = RoundTrip.Check(new LayerNorm(6, elementwiseAffine: false), Rows(3, 6));
        Assert.Single(model.Proto.Graph.Initializer); // the scale of ones ONNX requires
    }

    [Fact]
    public void ActivationLayers()
    {
        Assert.Equal(["Relu"], RoundTrip.OpTypes(RoundTrip.Check(new Relu(), Rows(5))));
        Assert.Equal(["LeakyRelu"], RoundTrip.OpTypes(RoundTrip.Check(new LeakyRelu(0.1), Rows(5))));
        Assert.Equal(["Tanh"], RoundTrip.OpTypes(RoundTrip.Check(new Tanh(), Rows(5))));
        Assert.Equal(["Sigmoid"], RoundTrip.OpTypes(RoundTrip.Check(new Sigmoid(), Rows(5))));
        Assert.Equal(["Gelu"], RoundTrip.OpTypes(RoundTrip.Check(new Gelu(), Rows(5))));
        Assert.Equal(["Gelu"], RoundTrip.OpTypes(RoundTrip.Check(new Gelu(GeluApproximation.Tanh), Rows(5))));
        Assert.Equal(["Softmax"], RoundTrip.OpTypes(RoundTrip.Check(new Softmax(1), Rows(5))));
        Assert.Equal(["LogSoftmax"], RoundTrip.OpTypes(RoundTrip.Check(new LogSoftmax(-1), Rows(5))));
    }

    [Fact]
    public void FlattenIdentityAndDropoutInEval()
    {
        Assert.Equal(["Reshape"], RoundTrip.OpTypes(RoundTrip.Check(new Flatten(), Images(2, 3))));
        Assert.Equal(["Identity"], RoundTrip.OpTypes(RoundTrip.Check(new Identity(), Rows(3))));
        var dropout = new Dropout(0.5);
        dropout.Eval();
        Assert.Equal(["Identity"], RoundTrip.OpTypes(RoundTrip.Check(dropout, Rows(3))));
    }

    [Fact]
    public void Col2ImFoldsColumnsBackIntoAnImage()
    {
        var model = RoundTrip.Check(c => c.Col2Im((5, 5), (2, 2), stride: (1, 1), padding: (1, 1)), b => RoundTrip.Randn(b, b, 8, 36));
        Assert.Equal(["Col2Im"], RoundTrip.OpTypes(model));
    }

    private static void WarmUp(Module layer, Tensor batch)
    {
        layer.Train();
        using (Autograd.NoGrad())
        {
            layer.Call(batch);
        }
    }
}
