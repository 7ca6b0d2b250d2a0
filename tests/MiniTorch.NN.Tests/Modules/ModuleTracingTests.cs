namespace MiniTorch.NN.Tests.Modules;

/// <summary>What modules and functional layers report to an op trace (the input of ONNX export).</summary>
public class ModuleTracingTests
{
    [Fact]
    public void ModuleCallsNameTheirOpsWithTheModulePath()
    {
        var model = new Sequential(new Linear(3, 4), new Sequential(new Relu()));
        var x = Tensor.Ones(2, 3);
        using var trace = Tracing.Start([x]);
        var y = model.Call(x);
        var linear = trace.Ops.Last(op => op.Name == "Linear");
        Assert.Equal("0", linear.Scope);
        Assert.Same(x, linear.Inputs[0]);
        Assert.Same(model.GetParameter("0.weight"), linear.Inputs[1]);
        Assert.Same(model.GetParameter("0.bias"), linear.Inputs[2]);
        var relu = trace.Ops[^1];
        Assert.Equal(("Relu", "1.0"), (relu.Name, relu.Scope));
        Assert.Same(y, relu.Outputs.Single());
    }

    [Fact]
    public void LayersReportOneOpWithTheirSettings()
    {
        var x = Tensor.Randn([1, 2, 6, 6], generator: new Generator(1));
        using var trace = Tracing.Start([x]);
        var conv = new Conv2d(2, 3, 3, stride: 2, padding: 1, bias: false).Call(x);
        var convOp = trace.Ops[^1];
        Assert.Equal("Conv2d", convOp.Name);
        Assert.Null(convOp.Inputs[2]);
        Assert.Equal([2, 2], convOp.Attributes.GetInts("stride"));
        Assert.Equal([1, 1], convOp.Attributes.GetInts("padding"));
        _ = new MaxPool2d(2).Call(conv);
        Assert.Equal("MaxPool2d", trace.Ops[^1].Name);
        Assert.Equal([2, 2], trace.Ops[^1].Attributes.GetInts("kernelSize"));
        _ = new AvgPool2d(3, padding: 1, countIncludePad: false).Call(conv);
        Assert.False(trace.Ops[^1].Attributes.GetBool("countIncludePad"));
        _ = new LayerNorm(3).Call(conv);
        Assert.Equal([3], trace.Ops[^1].Attributes.GetInts("normalizedShape"));
        _ = new Gelu(GeluApproximation.Tanh).Call(conv);
        Assert.Equal("tanh", trace.Ops[^1].Attributes.GetString("approximate"));
    }

    [Fact]
    public void BatchNormReportsOneOpOnlyWhenNormalisingWithFixedStatistics()
    {
        var layer = new BatchNorm1d(2);
        var x = Tensor.Randn([4, 2], generator: new Generator(2));
        using var trace = Tracing.Start([x]);
        layer.Call(x); // training: batch statistics, traced as the ops that compute them
        Assert.DoesNotContain(trace.Ops, op => op.Name == "BatchNorm");
        layer.Eval();
        layer.Call(x);
        var op = trace.Ops[^1];
        Assert.Equal("BatchNorm", op.Name);
        Assert.Same(layer.RunningMean, op.Inputs[1]);
        Assert.Equal(1e-5, op.Attributes.GetDouble("eps"));
    }

    [Fact]
    public void EmbeddingKeepsItsIndicesAsAnInput()
    {
        var layer = new Embedding(5, 2);
        var ids = Tensor.IndexTensor(4, 0, 4);
        using var trace = Tracing.Start([ids]);
        var rows = layer.Call(ids);
        var op = trace.Ops[^1];
        Assert.Equal("Embedding", op.Name);
        Assert.Same(ids, op.Inputs[0]);
        Assert.Same(rows, op.Outputs.Single());
    }

    [Fact]
    public void FunctionalLinearChecksItsShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Functional.Linear(Tensor.Ones(2, 3), Tensor.Ones(4, 5)));
        Assert.Contains("input [2, 3] and weight [4, 5]", error.Message);
        var bias = Assert.Throws<ArgumentException>(() => Functional.Linear(Tensor.Ones(2, 3), Tensor.Ones(4, 3), Tensor.Ones(3)));
        Assert.Contains("bias of shape [4]", bias.Message);
        var y = Functional.Linear(Tensor.Ones(2, 3), Tensor.Ones(4, 3), Tensor.Ones(4));
        Assert.Equal(new float[] { 4, 4, 4, 4, 4, 4, 4, 4 }, y.ToFloatArray());
    }
}
