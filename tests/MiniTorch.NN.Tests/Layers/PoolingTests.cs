using System.Text.Json;

namespace MiniTorch.NN.Tests.Layers;

public class PoolingTests
{
    private static Size2? Stride(JsonElement cfg) => cfg.GetProperty("s").ValueKind == JsonValueKind.Null ? null : Golden.Pair(cfg.GetProperty("s"));

    private static void AssertMatches(string name, Module pool)
    {
        var c = Golden.Case("layers.json", name);
        var x = Golden.Tensor(c.GetProperty("input"), requiresGrad: true);
        var y = pool.Call(x);
        Check.Close(Golden.Tensor(c, "output"), y, what: $"{name} output");
        y.Backward(Golden.Tensor(c, "grad_output"));
        Check.Close(Golden.Tensor(c.GetProperty("grads"), "input"), x.Grad!, what: $"{name} input grad");
    }

    [Theory]
    [InlineData("maxpool2d_0")]
    [InlineData("maxpool2d_1")]
    [InlineData("maxpool2d_2")]
    public void MaxPoolMatchesPyTorch(string name)
    {
        var cfg = Golden.Case("layers.json", name).GetProperty("config");
        AssertMatches(name, new MaxPool2d(Golden.Pair(cfg.GetProperty("k")), Stride(cfg), Golden.Pair(cfg.GetProperty("p")), Golden.Pair(cfg.GetProperty("d"))));
    }

    [Theory]
    [InlineData("avgpool2d_0")]
    [InlineData("avgpool2d_1")]
    [InlineData("avgpool2d_2")]
    public void AvgPoolMatchesPyTorch(string name)
    {
        var cfg = Golden.Case("layers.json", name).GetProperty("config");
        AssertMatches(name, new AvgPool2d(Golden.Pair(cfg.GetProperty("k")), Stride(cfg), Golden.Pair(cfg.GetProperty("p")), cfg.GetProperty("include").GetBoolean()));
    }

    [Fact]
    public void MaxPoolSendsTheGradientToTheFirstMaximumOnTies()
    {
        var x = Tensor.FromArray(new[] { 1.0, 3, 3, 0, -1, 3, 2, 2 }, [1, 1, 2, 4], requiresGrad: true);
        var y = new MaxPool2d((2, 2)).Call(x);
        Assert.Equal(new[] { 3.0, 3.0 }, y.ToDoubleArray());
        y.Sum().Backward();
        Assert.Equal(new[] { 0.0, 1, 1, 0, 0, 0, 0, 0 }, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void MaxPoolPaddingIsNeverTheMaximum()
    {
        var x = Tensor.FromArray(new[] { -5.0, -6, -7, -8 }, [1, 1, 2, 2]);
        var y = new MaxPool2d(2, stride: 1, padding: 1).Call(x);
        Assert.Equal(new[] { -5.0, -5, -6, -5, -5, -6, -7, -7, -8 }, y.ToDoubleArray());
    }

    [Fact]
    public void GradCheckAndGradGradCheck()
    {
        // Distinct values keep every window's maximum unique, so the max is differentiable at the point checked.
        var values = new double[40];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i * 17 % 40 * 0.1; // a permutation of 0, 0.1, …, 3.9
        }
        var x = Tensor.FromArray(values, [1, 2, 4, 5], requiresGrad: true);
        var max = new MaxPool2d((2, 2), stride: (1, 2), padding: (1, 1));
        Assert.True(GradCheck.Check(t => max.Call(t[0]), [x]));
        Assert.True(GradCheck.GradGradCheck(t => max.Call(t[0]).Square(), [x]));
        var avg = new AvgPool2d(3, stride: 2, padding: 1, countIncludePad: false);
        Assert.True(GradCheck.Check(t => avg.Call(t[0]), [x]));
        Assert.True(GradCheck.GradGradCheck(t => avg.Call(t[0]).Square(), [x]));
    }

    [Fact]
    public void UnbatchedInputAndErrors()
    {
        var pool = new AvgPool2d(2);
        Assert.Equal([3, 2, 2], pool.Call(Tensor.Ones(3, 4, 5)).Shape);
        var e = Assert.Throws<ModuleInputException>(() => new Sequential(new MaxPool2d(3)).Call(Tensor.Ones(1, 1, 2, 2)));
        Assert.Contains("0 (MaxPool2d): input of shape [1, 1, 2, 2] is too small: the padded input is 2 x 2, smaller than the dilated kernel 3 x 3", e.Message);
        var pad = Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(2, padding: 2));
        Assert.Contains("pad should be at most half of the kernel size", pad.Message);
        Assert.Equal("MaxPool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0), dilation=(1, 1), ceil_mode=False)", new MaxPool2d(2).ToString());
    }

    [Fact]
    public void AdaptiveAvgPoolIsAGlobalAverageAtOneByOneAndKeepsUnbatchedInput()
    {
        var x = Tensor.Randn([2, 3, 5, 7], generator: new Generator(4));
        var pool = new AdaptiveAvgPool2d(1);
        Check.Close(x.Mean([2, 3], keepDim: true), pool.Call(x), 1e-6, 1e-5);
        Assert.Equal([3, 2, 4], new AdaptiveAvgPool2d((2, 4)).Call(x.Select(0, 0)).Shape);
        Assert.Equal("AdaptiveAvgPool2d(output_size=(2, 4))", new AdaptiveAvgPool2d((2, 4)).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveAvgPool2d(0));
    }

    [Fact]
    public void CeilModeLayersPoolTheLastPartialWindow()
    {
        var x = Tensor.Arange(0.0, 25).Reshape(1, 1, 5, 5);
        Assert.Equal([1, 1, 3, 3], new MaxPool2d(2, ceilMode: true).Call(x).Shape);
        Assert.Equal(24.0, new AvgPool2d(2, ceilMode: true).Call(x).ToDoubleArray()[^1]);
        Assert.Equal("AvgPool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=True, count_include_pad=True)", new AvgPool2d(2, ceilMode: true).ToString());
    }
}
